"""The attachment form: several files at once, the part of the case they belong to, a description. Each file is
checked by its content here, so that a refusal shows beside the field and nothing is stored."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from casework import attachments as files
from casework.models import ATTACHMENT_SECTIONS, Section
from casework.services.attachments import Incoming, prepare
from core.forms import StyledFormMixin


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        if not items and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class AttachmentForm(StyledFormMixin, forms.Form):
    uploads = MultipleFileField(
        label=_("Files"),
        help_text=_("PDF, JPEG, PNG, WEBP, HEIC, DOCX or ODT, at most %(mb)s MB each. Photos lose their location.")
        % {"mb": 25},
        error_messages={"required": _("Choose at least one file."), "empty": _("This file is empty.")},
    )
    section = forms.ChoiceField(
        label=_("Part of the case"),
        choices=[(s.value, s.label) for s in ATTACHMENT_SECTIONS],
        initial=Section.NOTES,
        help_text=_(
            "Identity documents (KTP, passport, family card) belong to Identity; other documents to Notes or the "
            "part they concern. They are shared in a referral only with that part."
        ),
    )
    description = forms.CharField(label=_("Description (optional)"), max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["uploads"].help_text = _(
            "PDF, JPEG, PNG, WEBP, HEIC, DOCX or ODT, at most %(mb)s MB each. Photos lose their location and camera "
            "details."
        ) % {"mb": files.max_bytes() >> 20}
        self.fields["uploads"].widget.attrs.update({"accept": ".pdf,.jpg,.jpeg,.png,.webp,.heic,.docx,.odt"})
        self.prepared: list[Incoming] = []

    def clean_uploads(self) -> list[Any]:
        uploads = self.cleaned_data["uploads"]
        errors = []
        prepared = []
        for upload in uploads:
            try:
                prepared.append(prepare(upload))
            except files.Refused as refusal:
                errors.append(
                    forms.ValidationError(
                        _("%(name)s: %(reason)s"),
                        params={"name": files.safe_filename(upload.name or ""), "reason": refusal},
                        code="refused",
                    )
                )
        if errors:
            raise forms.ValidationError(errors)
        self.prepared = prepared
        return uploads
