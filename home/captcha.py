"""An offline image captcha for the public forms (letters, campaigns, surveys, applications).

No third-party service and no JavaScript: closed government networks reach nothing outside,
and the rules forbid third-party scripts on public pages. A challenge is a random id whose
answer sits in the cache for ten minutes; the image is drawn with Pillow from that answer, and
every verification attempt deletes it, right or wrong, so an answer can be neither replayed nor
guessed twice. Forms get the fields from `CaptchaFormMixin` and render them with
`templates/includes/captcha_field.html`.

Tests and browser tests set `CAPTCHA_TEST_ANSWER` so that every challenge has a known answer;
no real deployment may set it.
"""

import hmac
import io
import random
import re
import secrets
import unicodedata

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotFound
from django.urls import reverse
from django.views.decorators.http import require_safe
from PIL import Image, ImageDraw, ImageFont

# No 0/O, 1/I/L, Q: characters an elderly reader (or anyone) could confuse.
ALPHABET = "23456789ABCDEFGHJKMNPRSTUVWXYZ"
LENGTH = 4
TIMEOUT = 10 * 60
WIDTH, HEIGHT = 160, 60
ERROR_MESSAGE = "验证码不正确或已过期，请重新输入。"
# No JavaScript, so no in-place "换一张": a new page load, or a wrong answer, brings a new image.
HELP_TEXT = "请输入图片中的字符，不区分大小写；看不清可刷新页面换一张。"
# token_urlsafe(16) gives 22 characters of this set; anything else is not one of ours, and must
# not reach the cache as a key.
CHALLENGE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# Dark enough for a contrast ratio of at least 7:1 on the light background.
INK = [(31, 78, 140), (120, 30, 30), (20, 90, 50), (60, 40, 110), (40, 40, 40)]


def _key(challenge_id):
    return f"captcha:{challenge_id}"


def _normalise(answer):
    # NFKC turns full-width letters from a Chinese input method (ＡＢ２３) into ASCII.
    answer = unicodedata.normalize("NFKC", answer or "")
    return "".join(answer.split()).upper()


def new_challenge():
    """Issue a challenge and return its id; the answer stays on the server."""
    challenge_id = secrets.token_urlsafe(16)
    answer = getattr(settings, "CAPTCHA_TEST_ANSWER", None)
    if answer:
        answer = _normalise(answer)
    else:
        answer = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    cache.set(_key(challenge_id), answer, TIMEOUT)
    return challenge_id


def _answer(challenge_id):
    if not challenge_id or not CHALLENGE_ID.match(challenge_id):
        return None
    return cache.get(_key(challenge_id))


def discard(challenge_id):
    if challenge_id and CHALLENGE_ID.match(challenge_id):
        cache.delete(_key(challenge_id))


def verify(challenge_id, answer):
    """True if `answer` is the challenge's answer. Any attempt uses the challenge up."""
    expected = _answer(challenge_id)
    if expected is None:
        return False
    # Only the request whose delete removed the entry may pass: two concurrent posts of the same
    # challenge cannot both succeed.
    if not cache.delete(_key(challenge_id)):
        return False
    return hmac.compare_digest(_normalise(answer).encode(), expected.encode())


def render_png(challenge_id):
    """The challenge's image as PNG bytes, or None if the id is unknown or expired."""
    answer = _answer(challenge_id)
    if answer is None:
        return None
    # Seeded by the id: reloading the image shows the same picture, so reloads don't hand a
    # robot several differently-distorted samples to compare.
    rng = random.Random(challenge_id)  # distortion, not a secret: `random` is fine
    image = Image.new("RGB", (WIDTH, HEIGHT), (246, 248, 251))
    draw = ImageDraw.Draw(image)
    for _ in range(120):
        x, y = rng.randrange(WIDTH), rng.randrange(HEIGHT)
        draw.point((x, y), fill=tuple(rng.randint(150, 210) for _ in range(3)))

    font = ImageFont.load_default(size=40)
    slot = (WIDTH - 8) // max(len(answer), 1)
    for index, char in enumerate(answer):
        tile = Image.new("RGBA", (slot + 8, HEIGHT), (0, 0, 0, 0))
        tile_draw = ImageDraw.Draw(tile)
        left, top, right, bottom = tile_draw.textbbox((0, 0), char, font=font, stroke_width=1)
        position = ((tile.width - (right - left)) / 2 - left, (HEIGHT - (bottom - top)) / 2 - top)
        colour = rng.choice(INK)
        # A one-pixel stroke in the same colour makes the glyphs bold enough to read easily.
        tile_draw.text(position, char, font=font, fill=colour, stroke_width=1, stroke_fill=colour)
        tile = tile.rotate(rng.uniform(-15, 15), resample=Image.Resampling.BICUBIC)
        offset = (index * slot + rng.randint(-3, 3), rng.randint(-4, 4))
        image.paste(tile, offset, tile)

    for _ in range(3):
        start = (rng.randrange(0, WIDTH // 3), rng.randrange(HEIGHT))
        end = (rng.randrange(WIDTH * 2 // 3, WIDTH), rng.randrange(HEIGHT))
        draw.line([start, end], fill=tuple(rng.randint(140, 190) for _ in range(3)), width=1)

    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@require_safe
def captcha_image(request, challenge_id):
    png = render_png(challenge_id)
    if png is None:
        # A bare 404: this URL is only ever loaded as an image, and robots probe it.
        return HttpResponseNotFound("验证码已过期，请刷新页面。", content_type="text/plain; charset=utf-8")
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "no-store"
    return response


class CaptchaFormMixin:
    """Adds `captcha_id` (hidden) and `captcha` to a Form or ModelForm, and checks them.

        class LetterForm(CaptchaFormMixin, forms.Form): ...

    An unbound form gets a fresh challenge. A bound form is checked in `full_clean()`, after the
    form's own `clean()`, so a subclass cannot switch the check off by forgetting `super()`.
    Every check uses the challenge up, so whenever the form comes back with errors it carries a
    new challenge and an empty answer, and everything else the user typed stays.
    """

    captcha_error_message = ERROR_MESSAGE

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Added here rather than declared, so they come last whatever the form declares.
        self.fields["captcha_id"] = forms.CharField(required=False, widget=forms.HiddenInput)
        self.fields["captcha"] = forms.CharField(
            label="验证码",
            max_length=8,
            help_text=HELP_TEXT,
            error_messages={"required": "请输入验证码。"},
            widget=forms.TextInput(
                attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
            ),
        )
        if not self.is_bound:
            self.refresh_captcha()

    @property
    def captcha_challenge_id(self):
        if self.is_bound:
            return self.data.get(self.add_prefix("captcha_id")) or ""
        return self.initial.get("captcha_id") or ""

    @property
    def captcha_image_url(self):
        challenge_id = self.captcha_challenge_id
        return reverse("captcha_image", args=[challenge_id]) if CHALLENGE_ID.match(challenge_id) else ""

    def refresh_captcha(self):
        """Issue a new challenge; a bound form keeps every value but the captcha answer."""
        challenge_id = new_challenge()
        # A copy: `initial` may be a dict the caller shares between forms.
        self.initial = {**self.initial, "captcha_id": challenge_id}
        if self.is_bound:
            discard(self.captcha_challenge_id)
            data = self.data.copy()  # request.POST is immutable
            data[self.add_prefix("captcha_id")] = challenge_id
            data[self.add_prefix("captcha")] = ""
            self.data = data

    def full_clean(self):
        super().full_clean()
        if not self.is_bound:
            return
        if "captcha" in self.cleaned_data:
            challenge_id = self.cleaned_data.get("captcha_id") or ""
            if not verify(challenge_id, self.cleaned_data["captcha"]):
                self.add_error("captcha", self.captcha_error_message)
        if self._errors:
            self.refresh_captcha()
