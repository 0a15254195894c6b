"""Demo pictures drawn locally with Pillow: simple landscapes and scenes, no outside files."""

import io
import random

from PIL import Image, ImageDraw

# (title used as alt text, sky top, sky bottom, ground colour, scene)
SCENES = [
    ("田横岛海岸晨景", (255, 196, 140), (120, 170, 220), (40, 90, 150), "sea"),
    ("马山石林远眺", (150, 200, 240), (220, 235, 250), (90, 120, 80), "hills"),
    ("即墨古城街景", (170, 210, 245), (235, 240, 250), (150, 120, 90), "town"),
    ("大沽河畔麦田", (140, 195, 240), (225, 240, 250), (200, 170, 60), "fields"),
    ("新建学校教学楼", (160, 205, 245), (230, 240, 252), (120, 130, 140), "town"),
    ("蔬菜大棚基地", (150, 200, 240), (230, 242, 250), (70, 140, 70), "fields"),
    ("金口港渔船", (255, 210, 160), (140, 180, 225), (30, 80, 140), "sea"),
    ("城市道路改造现场", (175, 205, 235), (232, 238, 246), (110, 110, 115), "town"),
    ("秋收玉米晾晒", (150, 195, 235), (235, 240, 245), (215, 160, 50), "fields"),
    ("温泉度假区雪景", (200, 215, 235), (245, 248, 252), (235, 240, 245), "hills"),
    ("社区服务中心", (165, 205, 240), (232, 240, 250), (140, 110, 90), "town"),
    ("滨海湿地公园", (150, 200, 235), (225, 238, 248), (60, 120, 110), "sea"),
]


def draw_scene(index, width=1200, height=675):
    """Return (title, JPEG bytes) for scene number `index` (deterministic)."""
    title, sky_top, sky_bottom, ground, scene = SCENES[index % len(SCENES)]
    rng = random.Random(index)
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    horizon = int(height * rng.uniform(0.55, 0.68))
    for y in range(horizon):
        t = y / horizon
        colour = tuple(int(a + (b - a) * t) for a, b in zip(sky_top, sky_bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)
    sun_x, sun_y = rng.randint(150, width - 150), rng.randint(60, horizon // 2)
    draw.ellipse([sun_x - 45, sun_y - 45, sun_x + 45, sun_y + 45], fill=(255, 236, 180))
    draw.rectangle([0, horizon, width, height], fill=ground)
    if scene == "hills":
        for layer in range(3):
            shade = tuple(max(0, c - 25 * layer) for c in ground)
            points = [(0, horizon)]
            for x in range(0, width + 100, 100):
                points.append((x, horizon - rng.randint(40, 160) + 40 * layer))
            points.append((width, horizon + 10))
            draw.polygon(points, fill=shade)
    elif scene == "sea":
        for y in range(horizon + 10, height, 18):
            draw.line(
                [(rng.randint(0, 200), y), (width - rng.randint(0, 200), y)], fill=(200, 225, 245), width=2
            )
        for _ in range(3):
            x, y = rng.randint(100, width - 200), rng.randint(horizon + 40, height - 80)
            draw.polygon([(x, y), (x + 120, y), (x + 95, y + 30), (x + 25, y + 30)], fill=(170, 60, 50))
            draw.line([(x + 60, y), (x + 60, y - 70)], fill=(80, 60, 40), width=4)
    elif scene == "fields":
        for i in range(0, width, 60):
            draw.line(
                [(width // 2, horizon), (i * 2 - width // 2, height)],
                fill=tuple(min(255, c + 30) for c in ground),
                width=3,
            )
    else:
        x = 40
        while x < width - 60:
            w, h = rng.randint(80, 160), rng.randint(120, 300)
            shade = rng.randint(150, 215)
            draw.rectangle([x, horizon - h, x + w, horizon], fill=(shade, shade - 10, shade - 25))
            for wy in range(horizon - h + 15, horizon - 20, 30):
                for wx in range(x + 12, x + w - 20, 28):
                    draw.rectangle([wx, wy, wx + 14, wy + 16], fill=(120, 160, 200))
            x += w + rng.randint(10, 40)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=82)
    return title, buffer.getvalue()
