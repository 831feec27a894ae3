"""Sensors › Connect…: which MQTT broker the window listens to, kept as named profiles.

The dialog edits a plain dict of connection fields (the MqttSettings fields, no
password). A password typed here is handed back separately, for the OS keyring,
and is never put in the profile, the settings file or a log.
"""
from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
    QLineEdit, QPushButton, QSpinBox, QWidget,
)

from layers.sensors.strings import tr

FIELDS = ("host", "port", "tls", "ca_certs", "certfile", "keyfile", "username", "client_id", "allow_insecure")


def _file_row(edit: QLineEdit, parent) -> QWidget:
    row = QWidget(parent)
    box = QHBoxLayout(row)
    box.setContentsMargins(0, 0, 0, 0)
    box.addWidget(edit, 1)
    pick = QPushButton("…", row)
    pick.setMaximumWidth(32)
    pick.clicked.connect(lambda: edit.setText(QFileDialog.getOpenFileName(parent, "", edit.text())[0] or edit.text()))
    box.addWidget(pick)
    return row


class ConnectDialog(QDialog):
    def __init__(self, profiles: dict, current: str = "", parent=None):
        super().__init__(parent)
        self.setObjectName("sensor-connect")
        self.setWindowTitle(tr("sensors.connect_title"))
        self.profiles = {name: dict(p) for name, p in profiles.items()}
        self.profile = QComboBox(self)
        self.profile.setEditable(True)
        self.profile.addItems(sorted(self.profiles))
        self.host, self.port = QLineEdit("127.0.0.1", self), QSpinBox(self)
        self.port.setRange(1, 65535)
        self.port.setValue(1883)
        self.tls = QCheckBox(tr("sensors.connect_tls"), self)
        self.ca_certs, self.certfile, self.keyfile = QLineEdit(self), QLineEdit(self), QLineEdit(self)
        self.username, self.password = QLineEdit(self), QLineEdit(self)
        self.password.setEchoMode(QLineEdit.Password)
        self.password.setPlaceholderText(tr("sensors.connect_password_hint"))
        self.client_id = QLineEdit(self)
        self.client_id.setPlaceholderText(tr("sensors.connect_client_id_hint"))
        self.allow_insecure = QCheckBox(tr("sensors.connect_insecure"), self)
        self.warning = QLabel(self)
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #d73027")
        form = QFormLayout(self)
        form.addRow(tr("sensors.connect_profile"), self.profile)
        form.addRow(tr("sensors.connect_host"), self.host)
        form.addRow(tr("sensors.connect_port"), self.port)
        form.addRow("", self.tls)
        form.addRow(tr("sensors.connect_ca"), _file_row(self.ca_certs, self))
        form.addRow(tr("sensors.connect_cert"), _file_row(self.certfile, self))
        form.addRow(tr("sensors.connect_key"), _file_row(self.keyfile, self))
        form.addRow(tr("sensors.connect_username"), self.username)
        form.addRow(tr("sensors.connect_password"), self.password)
        form.addRow(tr("sensors.connect_client_id"), self.client_id)
        form.addRow("", self.allow_insecure)
        form.addRow(self.warning)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.profile.currentTextChanged.connect(self._load)
        for w in (self.tls, self.allow_insecure):
            w.toggled.connect(self._check)
        self.username.textChanged.connect(self._check)
        self.ca_certs.textChanged.connect(lambda text: text and self.tls.setChecked(True))
        if current in self.profiles:
            self.profile.setCurrentText(current)
        self._load(self.profile.currentText())

    def _load(self, name: str):
        p = self.profiles.get(name)
        if not p:
            return
        self.host.setText(str(p.get("host", "127.0.0.1")))
        self.port.setValue(int(p.get("port", 1883)))
        for key in ("ca_certs", "certfile", "keyfile", "username", "client_id"):
            getattr(self, key).setText(str(p.get(key, "") or ""))
        self.tls.setChecked(bool(p.get("tls")))
        self.allow_insecure.setChecked(bool(p.get("allow_insecure")))
        self._check()

    def _check(self, *_):
        """A password must not cross the network in clear unless the user says so, knowingly."""
        insecure = bool(self.username.text()) and not self.tls.isChecked()
        self.warning.setText(tr("sensors.connect_insecure_warning") if insecure else "")
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(not insecure or self.allow_insecure.isChecked())

    def values(self) -> dict:
        """The profile's fields (no password)."""
        return {"host": self.host.text().strip() or "127.0.0.1", "port": self.port.value(),
                "tls": self.tls.isChecked(), "ca_certs": self.ca_certs.text().strip(),
                "certfile": self.certfile.text().strip(), "keyfile": self.keyfile.text().strip(),
                "username": self.username.text().strip(), "client_id": self.client_id.text().strip(),
                "allow_insecure": self.allow_insecure.isChecked()}

    def profile_name(self) -> str:
        return self.profile.currentText().strip() or f"{self.host.text().strip()}:{self.port.value()}"

    def typed_password(self) -> str:
        return self.password.text()
