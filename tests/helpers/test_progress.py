from helpers import progress


def test_record_and_load(tmp_path):
    path = tmp_path / "p.json"
    assert progress.load(path) == {}
    progress.record("01.a", False, path)
    progress.record("01.a", True, path)
    progress.record("01.a", False, path)  # a correct answer stays correct
    entry = progress.load(path)["01.a"]
    assert entry["correct"] is True and entry["attempts"] == 3


def test_damaged_file_is_set_aside(tmp_path):
    path = tmp_path / "p.json"
    path.write_text("{not json")
    assert progress.load(path) == {}
    assert (tmp_path / "p.json.damaged").exists()
    progress.record("01.a", True, path)
    assert progress.load(path)["01.a"]["correct"]


def test_unwritable_folder_does_not_raise(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("x")
    progress.record(
        "01.a", True, blocked / "p.json"
    )  # parent is a file: cannot save, must not fail


def test_default_location_is_working_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("COURSE_PROGRESS_FILE")
    monkeypatch.chdir(tmp_path)
    assert progress.progress_path() == tmp_path / ".course-progress.json"
