"""StreamField blocks shared by every page type of the site group."""

from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

from home.rich_text import SanitisedRichTextBlock

RICH_TEXT_FEATURES = ["h2", "h3", "h4", "bold", "italic", "ol", "ul", "hr", "link", "document-link"]


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label="图片")
    caption = blocks.CharBlock(label="图片说明", required=False, max_length=200)
    alt_text = blocks.CharBlock(
        label="替代文本",
        required=False,
        max_length=200,
        help_text="供读屏软件朗读；留空时使用图片说明或图片标题。",
    )

    class Meta:
        icon = "image"
        label = "图片"
        template = "blocks/captioned_image.html"


class AttachmentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label="附件")
    title = blocks.CharBlock(label="显示名称", required=False, max_length=200)

    class Meta:
        icon = "doc-full"
        label = "附件"
        template = "blocks/attachment.html"


class MediaFileBlock(blocks.StructBlock):
    """Audio or video uploaded to our own document library (no third-party players or hosts)."""

    file = DocumentChooserBlock(label="音视频文件", help_text="上传 mp4/webm 视频或 mp3/ogg/wav 音频。")
    kind = blocks.ChoiceBlock(label="类型", choices=[("video", "视频"), ("audio", "音频")], default="video")
    caption = blocks.CharBlock(label="标题", required=False, max_length=200)
    transcript = blocks.TextBlock(label="文字实录", required=False)

    class Meta:
        icon = "media"
        label = "音视频"
        template = "blocks/media_file.html"


class BodyBlock(blocks.StreamBlock):
    paragraph = SanitisedRichTextBlock(label="正文", features=RICH_TEXT_FEATURES)
    image = CaptionedImageBlock()
    table = TableBlock(label="表格")
    attachment = AttachmentBlock()
    media = MediaFileBlock()
