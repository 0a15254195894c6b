import pytest
from django.core.exceptions import ValidationError

from home.models import SiteIdentity, contrast_with_white

pytestmark = pytest.mark.django_db


def test_theme_colour_must_keep_white_text_readable(group):
    identity = SiteIdentity.for_site(group["jyj"].site)
    identity.theme_colour = "#f4d03f"
    with pytest.raises(ValidationError) as error:
        identity.full_clean()
    assert "对比度" in str(error.value)
    identity.theme_colour = "#1f4e8c"
    identity.full_clean()


def test_contrast_ratio_matches_wcag_figures():
    assert round(contrast_with_white("#000000"), 1) == 21.0
    assert round(contrast_with_white("#ffffff"), 1) == 1.0
    assert 4.5 <= contrast_with_white("#1f4e8c")


def test_site_code_is_ten_digits(group):
    identity = SiteIdentity.for_site(group["jyj"].site)
    identity.site_code = "12345"
    with pytest.raises(ValidationError):
        identity.full_clean()
