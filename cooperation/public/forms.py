"""Public forms."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout, Submit
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..models import Interest


class InterestForm(forms.ModelForm):
    """Register interest in an exchange. ``website`` is a honeypot: hidden
    from people (and from screen readers), filled in by bots."""

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    consent = forms.BooleanField(
        # The label names the retention period: set in __init__.
        error_messages={
            "required": _("Please agree to be contacted, or we cannot reply.")
        },
    )

    class Meta:
        model = Interest
        fields = ["name", "email", "organisation", "message", "consent"]
        labels = {
            "name": _("Your name"),
            "email": _("Your e-mail address"),
            "organisation": _("School, university or organisation"),
            "message": _("Message"),
        }
        widgets = {"message": forms.Textarea(attrs={"rows": 4})}
        # The limits are the model's (Interest.message: 5,000 characters).
        error_messages = {
            "name": {
                "max_length": _(
                    "Your name can have at most %(limit_value)d characters; this "
                    "one has %(show_value)d. Please shorten it."
                )
            },
            "organisation": {
                "max_length": _(
                    "The organisation's name can have at most %(limit_value)d "
                    "characters; this one has %(show_value)d. Please shorten it."
                )
            },
            "message": {
                "max_length": _(
                    "The message can have at most %(limit_value)d characters; "
                    "this one has %(show_value)d. Please shorten it: the "
                    "organisers will ask for more if they need it."
                )
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # What purge_interests does: the period is a setting.
        months = settings.INTEREST_RETENTION_MONTHS
        self.fields["consent"].label = ngettext(
            "I agree that the organisers of this exchange may contact me about it. "
            "My details are not published and are deleted after %(months)d month.",
            "I agree that the organisers of this exchange may contact me about it. "
            "My details are not published and are deleted after %(months)d months.",
            months,
        ) % {"months": months}
        self.helper = FormHelper()
        self.helper.form_id = "interest-form"
        # The answer (errors, a refusal) opens at the form, not the page's top.
        self.helper.form_action = "#interest"
        self.helper.attrs = {"novalidate": ""}  # our messages, not the browser's
        self.helper.layout = Layout(
            Field("name", autocomplete="name"),
            Field("email", autocomplete="email"),
            Field("organisation", autocomplete="organization"),
            "message",
            "consent",
            Div("website", css_class="honeypot", aria_hidden="true"),
            Submit("submit", _("Register my interest")),
        )

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))
