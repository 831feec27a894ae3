"""File › Export map… in the window: the export runs as `songjiang-console snapshot` in its own process.

Seconds of offscreen rendering never block the GUI thread, and the window's export is the
headless one, byte for byte: the current project (camera, layers, view state, annotations) is
written to a temporary .sjproj that the command renders; sensors show as last recorded in the
window's own history.
"""
from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QProcess, QProcessEnvironment

from console.scene.camera import camera_state
from layers import i18n
from layers.child_env import child_environment
from layers.i18n import tr


class WindowExport:
    def __init__(self, window):
        self.window = window
        self.process: QProcess | None = None
        self.last_out: Path | None = None
        self.last_dialog = None

    def dialog(self):
        from console import settings
        from widgets.export_dialog import ExportDialog
        dialog = ExportDialog(settings.operator_name(), self.window)
        dialog.accepted.connect(lambda: self.start(dialog.arguments()))
        dialog.show()
        self.last_dialog = dialog  # kept alive while shown (docs, tests)
        return dialog

    def project_file(self) -> Path:
        project = self.window.project
        state = project.to_dict()
        state["camera"] = camera_state(self.window.scene.renderer, project.crs)
        folder = Path(tempfile.mkdtemp(prefix="songjiang-export-"))
        path = folder / "view.sjproj"
        path.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
        return path

    def start(self, options: list[str]) -> QProcess:
        if self.process is not None and self.process.state() != QProcess.ProcessState.NotRunning:
            self.window.report_error(tr("export.busy"))
            return self.process
        out = Path(options[options.index("--out") + 1]).expanduser().resolve()
        options[options.index("--out") + 1] = str(out)
        self.last_out = out
        proc = QProcess(self.window)
        proc.setProgram(sys.executable)
        env = QProcessEnvironment()
        for key, value in child_environment().items():  # no store secret in the child (layers/child_env.py)
            env.insert(key, value)
        proc.setProcessEnvironment(env)
        project = self.project_file()
        proc.setArguments(["-m", "console", "snapshot", str(project), *options, "--lang", i18n.language()])
        proc.finished.connect(lambda code, _status: (shutil.rmtree(project.parent, ignore_errors=True),
                                                     self._finished(proc, code, out)))
        self.process = proc
        self.window.statusBar().showMessage(tr("export.running", name=str(out)))
        proc.start()
        return proc

    def _finished(self, proc: QProcess, code: int, out: Path):
        if code == 0:
            self.window.statusBar().showMessage(tr("export.done", name=str(out)), 8000)
            return
        err = bytes(proc.readAllStandardError()).decode("utf-8", "replace").strip().splitlines()
        self.window.report_error(tr("export.failed", name=str(out), why=err[-1] if err else f"exit {code}"))
