"""A file chosen in a form is kept across a failed submit: held once (shop.core.held_uploads), named by a signed
token (bound to the user, expiring) carried in a hidden field, and used by the next submit unless another file is
chosen. The held file goes once used or refused; the "uploads" background job removes expired ones.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.datastructures import FileStorage
from wtforms.validators import StopValidation

from shop.core import held_uploads

SALT = "kept-upload"
KEPT_SUFFIX = "-kept"  # the hidden field's name is the file field's name and this


@dataclass(frozen=True)
class KeptUpload:
    """A held upload: its token (for the hidden field), the name it came with (shown only) and its id."""

    token: str
    client_name: str
    upload_id: int


class KeptUploadInvalid(ValueError):
    """The token is forged, someone else's, expired, or names a file already gone."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def max_age() -> timedelta:
    """How long a held upload can be used (KEPT_UPLOAD_MINUTES)."""
    return timedelta(minutes=current_app.config.get("KEPT_UPLOAD_MINUTES", 60))


def _user_id() -> int:
    # The account's id, not get_id() (which names the login session); 0 (nobody) when signed out.
    return int(current_user.id) if current_user and current_user.is_authenticated else 0


def keep_upload(user_id: int, data: bytes, client_name: str) -> KeptUpload:
    """Hold `data` for `user_id` and sign a token naming it."""
    client_name = (client_name or "").replace("\\", "/").rsplit("/", 1)[-1][:120]
    upload_id = held_uploads.hold(user_id, data, client_name)
    token = _serializer().dumps({"u": user_id, "i": upload_id})
    return KeptUpload(token, client_name, upload_id)


def kept_upload(user_id: int, token: str) -> tuple[KeptUpload, bytes]:
    """The held upload a token names and its bytes, if the token was signed here for `user_id` and has not
    expired; KeptUploadInvalid otherwise."""
    try:
        payload = _serializer().loads(token, max_age=int(max_age().total_seconds()))
    except BadSignature as exc:  # SignatureExpired is one
        raise KeptUploadInvalid(token) from exc
    if not isinstance(payload, dict) or payload.get("u") != user_id or not isinstance(payload.get("i"), int):
        raise KeptUploadInvalid(token)
    upload = held_uploads.held(payload["i"], user_id, max_age())
    if upload is None:
        raise KeptUploadInvalid(token)
    return KeptUpload(token, upload.filename, upload.id), upload.data


def discard_kept(kept: KeptUpload | None) -> None:
    """Remove a held upload (nothing happens for None or a file already gone)."""
    if kept is not None:
        held_uploads.discard(kept.upload_id)


class KeptFileField(FileField):
    """A file field whose upload survives a failed submit (see the module); render it with the upload_field macro.

    After validation, `content()` gives the new file's bytes or the held ones; `keep()` holds a new file when the
    submit fails for another reason, `drop()` forgets a file that was refused, `release()` removes the held file
    once the service has stored what it needs.
    """

    def __init__(self, label=None, validators=None, max_bytes: int = 8 * 1024 * 1024, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.max_bytes = max_bytes
        self.kept: KeptUpload | None = None
        self.kept_error: str | None = None
        self._content: bytes | None = None
        self._refused = False

    def process(self, formdata, data=None, extra_filters=None):
        """Read the file as FileField does, and the hidden token beside it."""
        super().process(formdata, data, extra_filters)
        token = formdata.get(self.name + KEPT_SUFFIX, "") if formdata else ""
        if token and not self.chosen:
            try:
                self.kept, self._content = kept_upload(_user_id(), token)
            except KeptUploadInvalid:
                self.kept_error = str(_l("The file uploaded earlier has expired or cannot be used; choose it again."))

    @property
    def chosen(self) -> bool:
        """Whether a new file was chosen in this submit."""
        return isinstance(self.data, FileStorage) and bool(self.data.filename)

    @property
    def has_upload(self) -> bool:
        """Whether a new file was chosen or a held one is carried."""
        return self.chosen or self.kept is not None

    def pre_validate(self, form):
        """A token that does not check out is an error of this field."""
        if self.kept_error:
            raise StopValidation(self.kept_error)

    def content(self) -> bytes:
        """The chosen file's bytes, read to one byte more than max_bytes (enough to tell a file too large), or the
        held file's."""
        if self._content is None:
            self._content = self.data.read(self.max_bytes + 1) if self.chosen else b""
        return self._content

    def keep(self) -> None:
        """Hold a newly chosen file (not a refused, empty or oversized one) so the next submit can use it."""
        if self.chosen and self.kept is None and not self._refused and _user_id():
            data = self.content()
            if 0 < len(data) <= self.max_bytes:
                self.kept = keep_upload(_user_id(), data, self.data.filename or "")

    def drop(self) -> None:
        """Forget the file (it was refused): the held copy goes, and the form asks for a new one."""
        discard_kept(self.kept)
        self.kept, self._refused = None, True

    def release(self) -> None:
        """Remove the held copy once the service has stored what it needs."""
        discard_kept(self.kept)


class KeptFileRequired:
    """Like FileRequired, but a held upload counts as a file."""

    def __init__(self, message=None):
        self.message = message

    def __call__(self, form, field: KeptFileField):
        if not field.has_upload and not field.kept_error:
            raise StopValidation(self.message or field.gettext("This field is required."))
