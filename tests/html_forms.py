"""What a browser without JavaScript sends for a form of a page: tests that
post an admin form as it stands, changing a few fields, read it here."""

from html.parser import HTMLParser

#: Input types that send nothing unless clicked or chosen.
_NOT_SENT = {"submit", "button", "image", "reset", "file"}


class _FormReader(HTMLParser):
    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self.select: dict | None = None
        self.textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
            return
        name = attrs.get("name")
        if not self.inside or "disabled" in attrs:
            return
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in _NOT_SENT:
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value") or "on"))
                return
            self.fields.append((name, attrs.get("value") or ""))
        elif tag == "select" and name:
            self.select = {
                "name": name,
                "multiple": "multiple" in attrs,
                "first": None,
                "chosen": [],
            }
        elif tag == "option" and self.select is not None:
            value = attrs.get("value") or ""
            if self.select["first"] is None:
                self.select["first"] = value
            if "selected" in attrs:
                self.select["chosen"].append(value)
        elif tag == "textarea" and name:
            self.textarea = {"name": name, "text": []}

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea["text"].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select is not None:
            chosen = self.select["chosen"]
            if not chosen and not self.select["multiple"]:
                chosen = [self.select["first"] or ""]
            self.fields.extend((self.select["name"], value) for value in chosen)
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            text = "".join(self.textarea["text"])
            # HTML drops one newline right after <textarea>.
            text = text.removeprefix("\r\n").removeprefix("\n")
            self.fields.append((self.textarea["name"], text))
            self.textarea = None


def form_fields(html: str, form_id: str) -> dict[str, list[str]]:
    """The name/value pairs the form ``form_id`` of ``html`` sends as it
    stands, each name with its values in order."""
    reader = _FormReader(form_id)
    reader.feed(html)
    fields: dict[str, list[str]] = {}
    for name, value in reader.fields:
        fields.setdefault(name, []).append(value)
    if not fields:
        raise AssertionError(
            f"The page has no form with id {form_id!r} or it is empty."
        )
    return fields


def with_document(
    fields: dict[str, list[str]], *, title: str, file, public: bool
) -> dict:
    """The agreement change form's ``fields`` with one more document in its
    documents inline (the row the admin's "Add another" button adds)."""
    number = int(fields["documents-TOTAL_FORMS"][0])
    prefix = f"documents-{number}-"
    data = {
        name: values if len(values) > 1 else values[0]
        for name, values in fields.items()
        if "__prefix__" not in name
    }
    data.update(
        {
            "documents-TOTAL_FORMS": str(number + 1),
            f"{prefix}title": title,
            f"{prefix}kind": "signed",
            f"{prefix}language": "en",
            f"{prefix}file": file,
            f"{prefix}agreement": fields["documents-__prefix__-agreement"][0],
            f"{prefix}id": "",
        }
    )
    if public:
        data[f"{prefix}public"] = "on"
    return data
