"""The course home page as a learner meets it."""

from katlearn import content


def test_home_shows_course_map_and_first_link_opens_a_module(course):
    page = course.open("00_start_here.ipynb", ready=".kl-course-map")
    course.screenshot("home")

    assert page.locator("h1").first.inner_text().startswith("Ketamine-assisted therapy")
    assert page.get_by_text("Education, not medical advice").is_visible()
    # no code is shown to learners
    assert page.locator(".jp-InputArea-editor, .jp-CodeMirrorEditor").count() == 0

    modules = list(content.learner_modules())
    links = page.locator(".kl-course-map a.kl-map-link")
    assert links.count() == len(modules) >= 1
    for i, meta in enumerate(modules):
        assert meta.title in links.nth(i).inner_text()

    links.first.click()
    page.wait_for_url(f"**/{modules[0].filename}")
    course.wait_rendered()
    course.screenshot("first-module")
    assert modules[0].title in page.locator("h1").first.inner_text()
    assert course.non_local_requests() == []


def test_root_redirects_to_home(course):
    page = course.page
    page.goto(course.server.url("/"))
    page.wait_for_url("**/voila/render/00_start_here.ipynb")
