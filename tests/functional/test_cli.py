"""The flask commands, run the way an operator runs them."""
from sqlalchemy import func, select

from shop.catalog.models import Product
from shop.extensions import db
from shop.regions.models import Region


def test_import_regions_command(app, runner, tmp_path):
    table = tmp_path / "regions.csv"
    table.write_text("\ufeffcode,name\n650000,新疆维吾尔自治区\n652900,阿克苏地区\n652929,柯坪县\n", encoding="utf-8")
    result = runner.invoke(args=["import-regions", str(table)])
    assert result.exit_code == 0, result.output
    assert "regions created: 3, updated: 0" in result.output
    with app.app_context():
        assert db.session.get(Region, "652929").parent_code == "652900"


def test_import_regions_reports_every_bad_line_and_imports_nothing(app, runner, tmp_path):
    table = tmp_path / "regions.csv"
    table.write_text("code,name\n650000,新疆\n12,坏\n652900,\n", encoding="utf-8")
    result = runner.invoke(args=["import-regions", str(table)])
    assert result.exit_code != 0
    assert "line 3" in result.output and "line 4" in result.output and "nothing was imported" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Region)) == 0


def test_import_regions_refuses_non_utf8(app, runner, tmp_path):
    table = tmp_path / "regions.csv"
    table.write_bytes("code,name\n650000,新疆\n".encode("gb18030"))
    result = runner.invoke(args=["import-regions", str(table)])
    assert result.exit_code != 0 and "UTF-8" in result.output


def test_seed_demo_command_with_generated_products(app, runner):
    result = runner.invoke(args=["seed-demo", "--products", "40"])
    assert result.exit_code == 0, result.output
    assert "generated products +40" in result.output
    again = runner.invoke(args=["seed-demo"])
    assert "products +0" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Product)) >= 70


def test_seed_demo_rejects_a_negative_count(runner):
    result = runner.invoke(args=["seed-demo", "--products", "-5"])
    assert result.exit_code != 0
