"""Form fields of the public texts organisers write, one per content language, side by side
(core/translated.py): French in the field itself (required when the text is), every other
language of `config.LANGUAGES` in `<field>_<language>`, made from the French field, so a
language added to the list gets its fields everywhere.

    @in_languages("name", "description")
    class RoomForm(LanguageForm): ...

A template shows them with `languages_field(form, "name")` (macros/forms.html); a view reads
them with `form.texts("name")` ({language: text}) and fills them from a row with
`form.fill_texts(row)`; a form that edits a row is made with `texts_of=row`, so that a
language left out of a post keeps its text.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.fields.core import UnboundField
from wtforms.validators import DataRequired, InputRequired

from festival.config import LANGUAGES
from festival.core.forms import Form
from festival.core.i18n import RTL_LANGUAGES

# The languages' names in the page's language (their codes are config.LANGUAGES).
LANGUAGE_LABELS = {"fr": _l("French"), "en": _l("English"), "ar": _l("Arabic"),
                   "tzm": _l("Tamazight")}
OTHER_LANGUAGES = tuple(lang for lang in LANGUAGES if lang != "fr")


def language_attributes(language: str, **extra) -> dict:
    """A field's `lang` and `dir` for a text written in `language`."""
    return {"lang": language, "dir": "rtl" if language in RTL_LANGUAGES else "ltr", **extra}


def in_language_label(label, language: str):
    return _l("%(field)s, in %(language)s", field=label,
              language=LANGUAGE_LABELS.get(language, language))


def in_languages(*names: str):
    """Class decorator: for each French field in `names`, the same field in every other
    content language, optional (the French text is the fallback), with its language's
    label, `lang` and direction."""

    def decorate(form_class):
        for name in names:
            french: UnboundField = getattr(form_class, name)
            label = french.kwargs.get("label", french.args[0] if french.args else name)
            validators = french.kwargs.get("validators",
                                           french.args[1] if len(french.args) > 1 else [])
            render_kw = dict(french.kwargs.get("render_kw") or {})
            common = {k: v for k, v in french.kwargs.items()
                      if k not in ("label", "validators", "render_kw")}
            # A new French field (never the one a parent class may share), then the others.
            setattr(form_class, name, UnboundField(
                french.field_class, **common, label=in_language_label(label, "fr"),
                validators=list(validators),
                render_kw={**render_kw, **language_attributes("fr")}))
            others = [v for v in validators if not isinstance(v, DataRequired | InputRequired)]
            common.pop("description", None)
            for language in OTHER_LANGUAGES:
                setattr(form_class, f"{name}_{language}", UnboundField(
                    french.field_class, **common, label=in_language_label(label, language),
                    validators=list(others),
                    render_kw={**render_kw, **language_attributes(language)}))
        form_class.LANGUAGE_FIELDS = (*getattr(form_class, "LANGUAGE_FIELDS", ()), *names)
        return form_class

    return decorate


def texts_data(row) -> dict[str, str]:
    """A form's data for the public texts of a Translated row: `<field>` its French text,
    `<field>_<language>` each other language's (empty when not written)."""
    data = {}
    for name in row.TRANSLATED:
        texts = row.texts_of(name)
        data[name] = texts.get("fr", "")
        data.update({f"{name}_{lang}": texts.get(lang, "") for lang in OTHER_LANGUAGES})
    return data


class LanguageForm(Form):
    """A form with fields per language (see the module)."""

    LANGUAGE_FIELDS: tuple[str, ...] = ()

    def __init__(self, *args, texts_of=None, **kwargs) -> None:
        """`texts_of`: the Translated row the form edits. A language's field left out of
        the posted data (a page opened before that language was added, a client sending
        French only) keeps the row's text, so that saving never clears it; a field sent
        empty still does."""
        if texts_of is not None:
            kwargs["data"] = {**texts_data(texts_of), **(kwargs.get("data") or {})}
        super().__init__(*args, **kwargs)

    def _by_language(self, name: str) -> dict:
        found = {"fr": self[name]}
        for lang in OTHER_LANGUAGES:
            if f"{name}_{lang}" in self:
                found[lang] = self[f"{name}_{lang}"]
        return found

    def language_fields(self, name: str) -> list:
        """The field `name` in every content language the form has, French first."""
        return list(self._by_language(name).values())

    def texts(self, name: str) -> dict[str, str]:
        """{language: text} of the field `name`, in every language the form has a field for
        (empty when not written)."""
        return {lang: field.data or "" for lang, field in self._by_language(name).items()}

    def fill_texts(self, row) -> None:
        """Put the texts of a Translated row into the fields (on a page shown for editing)."""
        for name in self.LANGUAGE_FIELDS:
            texts = row.texts_of(name)
            for lang, field in self._by_language(name).items():
                field.data = texts.get(lang, "")
