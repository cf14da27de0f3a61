"""Look-alikes: text that reads the same must compare the same, and identifiers are plain ASCII."""

from __future__ import annotations

from conftest import A, OLD_ZIXUN_P, P, expect, find, listing
from maturity.data.text import normalised
from maturity.settings import PublicationSettings


def test_full_width_digits_do_not_satisfy_the_number_scheme(demo):
    # \d in Python matches any Unicode digit: the scheme is matched in ASCII.
    demo.replace(P, "number: ZXGJ-2026-0012", "number: ZXGJ-２０２６-００１２")
    repo = demo.load(publication=PublicationSettings(certificate_number=r"^ZXGJ-\d{4}-\d{4}$"))
    expect(repo, "MAT608", P, demo.line_of(P, "number: ZXGJ-"))


def test_numbers_that_share_a_page_are_duplicates(demo):
    # ZXGJ-2023-0007 and ZXGJ.2023.0007 would both be certificates/ZXGJ-2023-0007/: one page for two certificates.
    demo.replace(P, "number: ZXGJ-2026-0012", "number: ZXGJ.2023.0007")
    repo = demo.load(publication=PublicationSettings(certificate_number=r"^ZXGJ[.-]\d{4}[.-]\d{4}$"))
    hits = find(repo.diagnostics, "MAT602")
    assert hits and {d.path for d in hits} <= {P, OLD_ZIXUN_P}, listing(repo.diagnostics)


def test_zero_width_characters_do_not_hide_the_assessed_organisation(demo):
    demo.replace(A, "  - {name: 李评估, role: member, organisation: 示例第三方评估中心",
                 "  - {name: 李评估, role: member, organisation: \"示例管理\\u200b咨询有限公司\"")
    expect(demo.load(), "MAT401", A, demo.line_of(A, "李评估"))


def test_full_width_and_a_department_of_the_assessed_organisation(demo):
    demo.replace(A, "  - {name: 李评估, role: member, organisation: 示例第三方评估中心",
                 "  - {name: 李评估, role: member, organisation: 示例管理咨询有限公司　质量部")
    expect(demo.load(), "MAT401", A, demo.line_of(A, "李评估"))


def test_normalised():
    assert normalised("ＺＸＧＪ－２０２６") == normalised("zxgj-2026")
    assert normalised("示例\u200b咨询\u00ad有限公司") == "示例咨询有限公司"
    assert normalised(" 示例  咨询\u3000公司 ") == "示例 咨询 公司"
