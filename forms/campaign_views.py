"""Public side of campaigns (征集) and surveys (在线调查): captcha, rate limits, result pages."""


class CampaignServeMixin:
    """Serving behaviour of CampaignPage."""


class SurveyServeMixin:
    """Serving behaviour of SurveyPage."""
