"""`katlearn check` covers the branching-case files too."""

from __future__ import annotations

import shutil

from katlearn import content, paths


def test_a_dangling_reference_in_a_case_file_is_reported_with_file_and_line(tmp_path):
    shutil.copytree(paths.assets(), tmp_path / "assets")
    shutil.copytree(paths.notebooks(), tmp_path / "notebooks")
    case = tmp_path / "assets" / "scenarios" / "trd_maya.yaml"
    lines = case.read_text().splitlines()
    i = next(k for k, line in enumerate(lines) if "references: [" in line)
    lines[i] = lines[i].replace("references: [", "references: [nosuchkey2099, ", 1)
    case.write_text("\n".join(lines) + "\n")

    problems = [str(p) for p in content.check(tmp_path)]
    assert any(
        p.startswith(f"assets/scenarios/trd_maya.yaml:{i + 1}:") and "nosuchkey2099" in p for p in problems
    ), problems


def test_the_real_course_content_is_clean():
    assert [str(p) for p in content.check()] == []
