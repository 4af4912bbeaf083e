"""The QTI export of the course's real quiz banks against the official IMS schemas.

Every item is validated against ``imsqti_v2p1.xsd`` (and the schemas it imports) plus the ISO
Schematron rules IMS embedded in it; the manifest against ``imscp_v1p1.xsd``. The schemas are
local copies (see ``tests/schemas/README.md``), so the check runs offline. The bank is not a
fixture: it is what ``python -m katlearn export --format qti`` writes for this checkout.
"""

from __future__ import annotations

import copy
import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree, isoschematron

from katlearn import classroom, cli, content

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
QTI_XSD = SCHEMAS / "qtiv2p1" / "imsqti_v2p1.xsd"
CP_XSD = SCHEMAS / "imscp_v1p1.xsd"
SCH = "http://purl.oclc.org/dsdl/schematron"
XS = "http://www.w3.org/2001/XMLSchema"
QTI = "{http://www.imsglobal.org/xsd/imsqti_v2p1}"
CP = "{http://www.imsglobal.org/xsd/imscp_v1p1}"


@pytest.fixture(scope="module")
def item_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(QTI_XSD)))


@pytest.fixture(scope="module")
def manifest_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(CP_XSD)))


@pytest.fixture(scope="module")
def item_rules() -> isoschematron.Schematron:
    """The Schematron rules in the QTI schema's ``xs:appinfo``, as an ISO Schematron schema.

    IMS wrote them with ``sch:ns`` before ``sch:title`` and a ``name`` on each pattern, which ISO
    Schematron does not allow; the rules themselves are used unchanged.
    """
    appinfo = next(a for a in etree.parse(str(QTI_XSD)).iter(f"{{{XS}}}appinfo") if a.find(f"{{{SCH}}}ns") is not None)
    parts = sorted((copy.deepcopy(c) for c in appinfo if isinstance(c.tag, str)),
                   key=lambda c: {"title": 0, "ns": 1}.get(etree.QName(c).localname, 2))
    schema = etree.Element(f"{{{SCH}}}schema", nsmap={"sch": SCH})
    for part in parts:
        part.attrib.pop("name", None)
        schema.append(part)
    assert len(schema.findall(f"{{{SCH}}}pattern")) == 4
    return isoschematron.Schematron(schema, store_report=True)


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> zipfile.ZipFile:
    """The package exactly as the command line writes it for the course's banks."""
    path = tmp_path_factory.mktemp("qti") / "quizzes.zip"
    assert cli.main(["export", "--format", "qti", "-o", str(path)]) == 0
    return zipfile.ZipFile(io.BytesIO(path.read_bytes()))


def _errors(schema: etree.XMLSchema, doc: etree._Element) -> list[str]:
    if schema.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


def test_every_item_of_every_bank_is_in_the_package(package):
    banks = classroom.select_banks()
    questions = [q for bank in banks for q in bank.questions]
    items = [n for n in package.namelist() if n.startswith("items/")]
    assert len(items) == len(questions) >= 70
    assert {q.type for q in questions} == set(content.QUESTION_TYPES), "the real banks should use every type"


def test_every_item_validates_against_the_ims_qti_2_1_schema(package, item_schema, item_rules):
    failures = {}
    names = [n for n in package.namelist() if n.startswith("items/")]
    for name in names:
        doc = etree.fromstring(package.read(name))
        errors = _errors(item_schema, doc)
        if not item_rules.validate(doc):
            errors += [f"schematron: {' '.join(t.split())}"
                       for t in item_rules.validation_report.xpath("//svrl:failed-assert/svrl:text/text()",
                                                                   namespaces={"svrl": "http://purl.oclc.org/dsdl/svrl"})]
        if errors:
            failures[name] = errors
    assert not failures, f"{len(failures)} of {len(names)} items are invalid, e.g. {next(iter(failures.items()))}"


def test_the_manifest_validates_against_the_ims_content_packaging_schema(package, manifest_schema):
    manifest = etree.fromstring(package.read("imsmanifest.xml"))
    assert _errors(manifest_schema, manifest) == []
    hrefs = [f.get("href") for f in manifest.iter(f"{CP}file")]
    assert sorted(hrefs) == sorted(n for n in package.namelist() if n != "imsmanifest.xml")
    assert {r.get("type") for r in manifest.iter(f"{CP}resource")} == {"imsqti_item_xmlv2p1"}


def test_the_schema_check_can_fail(item_schema, package):
    """The issue's original defect (``<baseValue>`` inside ``defaultValue``) is caught."""
    name = next(n for n in package.namelist() if n.startswith("items/"))
    doc = etree.fromstring(package.read(name))
    value = doc.find(f"{QTI}outcomeDeclaration/{QTI}defaultValue/{QTI}value")
    value.tag = f"{QTI}baseValue"
    value.set("baseType", "float")
    assert any("baseValue" in e for e in _errors(item_schema, doc))


def test_item_rules_can_fail(item_rules, package):
    """A Schematron rule of the schema (no numberCorrect in response processing) is enforced."""
    name = next(n for n in package.namelist() if n.startswith("items/"))
    doc = etree.fromstring(package.read(name))
    condition = doc.find(f"{QTI}responseProcessing/{QTI}responseCondition/{QTI}responseIf")
    etree.SubElement(condition, f"{QTI}numberCorrect")
    assert not item_rules.validate(doc)
