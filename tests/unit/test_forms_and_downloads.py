"""The shared view helpers: the button forms' check, form errors as text, CSV and Excel downloads."""
from __future__ import annotations

from decimal import Decimal

import pytest
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest

from shop.core.spreadsheets import csv_lines
from shop.reports.forms import TallyFilterForm
from shop.web.downloads import csv_download, xlsx_download
from shop.web.forms import error_text, require_confirmation


def test_csv_lines_carry_a_bom_and_neutralise_text_but_not_numbers():
    lines = list(csv_lines(["名称", "金额"], [["=SUM(A1)", Decimal("-12.50")], ["-2+3", -3], ["红枣, 一级", 0]]))
    assert lines == ["\ufeff名称,金额\r\n", "'=SUM(A1),-12.50\r\n", "'-2+3,-3\r\n", '"红枣, 一级",0\r\n']


def test_require_confirmation_refuses_a_post_without_its_token(app):
    with app.test_request_context("/", method="POST", data={}), force_locale("en"):
        with pytest.raises(BadRequest) as refused:
            require_confirmation()
    assert refused.value.description == "The form has expired; please try again."
    with app.test_request_context("/", method="POST", data={}), force_locale("zh_CN"):
        with pytest.raises(BadRequest) as refused:
            require_confirmation()
    assert refused.value.description == "表单已过期，请重试。"


def test_error_text_names_each_field_with_its_first_message(app):
    with app.test_request_context("/"), force_locale("en"):
        form = TallyFilterForm(formdata=MultiDict({"by": "galaxy", "county": "12", "to": "2026-01-01",
                                                   "from": "2026-02-01"}))
        assert not form.validate()
        assert error_text(form) == ("Group by: Not a valid choice.; To: must not be before the start date; "
                                    "Origin county: must be a 6-digit region code")


def test_downloads_are_attachments_and_private_ones_are_not_cached(app):
    with app.test_request_context("/"):
        response = csv_download("packing-list.csv", ["订单号"], [["BF1"]], private=True)
        assert response.get_data() == "\ufeff订单号\r\nBF1\r\n".encode()
        assert response.mimetype == "text/csv" and response.headers["Cache-Control"] == "no-store"
        assert response.headers["Content-Disposition"] == 'attachment; filename="packing-list.csv"'
        workbook = xlsx_download("tallies.xlsx", b"PK")
        assert workbook.mimetype.endswith("spreadsheetml.sheet") and "Cache-Control" not in workbook.headers
        with pytest.raises(ValueError):
            csv_download('a".csv', [], [])
