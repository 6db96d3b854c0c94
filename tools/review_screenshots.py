"""Screenshots of the supervisor's review: inbox, detail and PDF preview (docs/screenshots).

    python -m tools.review_screenshots docs/screenshots [--lang nl]

Starts the demo's central store on 127.0.0.1 in a temporary folder, pushes the report samples
(a coffeeshop inspection with findings, a paired door test, a patrol) as their demo
authors, and shows the supervisor's home at 1280×800 (or --size) under `QT_QPA_PLATFORM=offscreen`.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import httpx


def push_samples(url: str, password: str) -> str:
    """Push the samples as their authors; returns the coffeeshop inspection's id."""
    from tests.support.samples import (
        SampleWorld,
        coffeeshop_inspection,
        door_test_pair,
        patrol,
    )

    samples = SampleWorld.load()
    shop = coffeeshop_inspection(samples, with_reviews=False)
    earlier = coffeeshop_inspection(samples, seed=2, violations=False, with_reviews=False)
    pair = door_test_pair(samples)
    reports = [earlier, shop, patrol(samples)]
    reports += [visit for visit in (pair.test, pair.control) if visit is not None]
    tokens: dict[str, str] = {}
    with httpx.Client(base_url=url, timeout=60) as client:
        for report in reports:
            version = report.version
            author = version.author
            if author not in tokens:
                answer = client.post(
                    "/v1/auth/token", json={"username": author, "password": password}
                )
                answer.raise_for_status()
                tokens[author] = answer.json()["access_token"]
            headers = {"Authorization": f"Bearer {tokens[author]}"}
            path = f"/v1/inspections/{version.inspection_id}/versions/{version.version_id}"
            answer = client.put(
                path,
                content=version.model_dump_json(),
                headers={**headers, "Content-Type": "application/json"},
            )
            answer.raise_for_status()
            for sha in answer.json()["missing_blobs"]:
                client.put(
                    f"/v1/blobs/{sha}", content=samples.blobs[sha], headers=headers
                ).raise_for_status()
    return shop.version.inspection_id


def main(argv: list[str] | None = None) -> int:
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    parser = argparse.ArgumentParser(prog="python -m tools.review_screenshots")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--lang", default="nl", choices=("nl", "en"))
    parser.add_argument("--size", default="1280x800", help="window size, e.g. 1366x768")
    args = parser.parse_args(argv)
    width, height = (int(part) for part in args.size.lower().split("x"))
    args.folder.mkdir(parents=True, exist_ok=True)

    from PySide6.QtWidgets import QAbstractItemView

    from fieldapp.app.demo import load_demo_world, start_demo_server
    from fieldapp.app.review.desk import ReviewDesk
    from fieldapp.app.session import KdfParams, SignedIn, sign_in
    from fieldapp.app.settings import Settings
    from fieldapp.sync.transport import CentralLine, Credentials
    from fieldapp.ui.app import application, build_context
    from fieldapp.ui.errors import start_bug_log
    from fieldapp.ui.home import SupervisorHome
    from fieldapp.ui.review.detail import QUESTION_ROLE
    from fieldapp.ui.review.panel import ReviewPanel
    from fieldapp.ui.theme import apply_theme
    from tools.screenshots import save, wait_until

    folder = Path(tempfile.mkdtemp(prefix="fieldapp-review-shots-"))
    # The demo's own central store, as the app starts it (a subprocess on 127.0.0.1).
    server = start_demo_server(folder)
    world = load_demo_world()
    try:
        shop_id = push_samples(server.url, world.demo_password)
        app = application()
        home = folder / "profiles"
        home.mkdir()
        settings = Settings.load(home).with_value("language", args.lang)
        settings = settings.with_value("idle_lock_minutes", 0)
        apply_theme(app, settings.theme)
        context = build_context(app, home, settings, start_bug_log(home))
        context.kdf = KdfParams.fast_for_tests()

        def desk(signed: SignedIn) -> ReviewDesk:
            credentials = Credentials(signed.user.username, world.demo_password)
            line = CentralLine(server.url, device_id="screenshots", credentials=credentials)
            return ReviewDesk(line, signed.user.username)

        context.review_desk = desk
        signed = sign_in(home, "ingrid.verhoeven", world.demo_password, world, kdf=context.kdf)
        titles = {choice.form_id: choice.definition.title for choice in signed.forms}
        screen = SupervisorHome(context, signed, titles)
        screen.resize(width, height)
        screen.show()
        panel = screen.review
        assert isinstance(panel, ReviewPanel)
        wait_until(lambda: panel.model.rowCount() > 0 and not panel.model.loading)
        save(screen, args.folder / "review-inbox.png")
        row = panel.model.row_of(shop_id)
        assert row is not None
        panel.table.selectRow(row)
        wait_until(lambda: panel.loaded is not None)
        wait_until(lambda: context.tasks.pending == 0)
        loaded = panel.loaded
        assert loaded is not None
        stock = next((name for name, _ in loaded.questions if "stock" in name), None)
        question = stock or loaded.questions[0][0]
        panel.detail.comment_on(question, "Is de voorraad elders meegewogen?")
        # And one reopened without a comment: the photo of the stock on the scale.
        panel.detail.reopen("stock_photo")
        # Show the commented question (and the comment column in use) near the top.
        for item in panel.detail._question_items():
            if item.data(0, QUESTION_ROLE) == question:
                panel.detail.answers.scrollToItem(item, QAbstractItemView.ScrollHint.PositionAtTop)
        app.processEvents()
        save(screen, args.folder / "review-detail.png")
        panel.preview_pdf()
        wait_until(lambda: hasattr(panel, "preview"))
        preview = panel.preview
        preview.resize(width, height)
        wait_until(lambda: bool(preview.page_labels))
        save(preview, args.folder / "review-pdf-preview.png")
        preview.close()
        screen.close()
        context.tasks.wait()
        signed.profile.close()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
