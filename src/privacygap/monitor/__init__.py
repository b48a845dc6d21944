"""privacygap.monitor: scheduled scans of many targets, their history, changes, alerts and dashboard.

Modules (each with one job):

* ``targets``  — read and validate ``targets.toml``; ``schedule`` — hourly/daily/weekly/cron;
* ``store``    — the SQL history (SQLite or PostgreSQL), with a run lock and idempotent saves;
* ``diff``     — the ``changes`` object between a target's previous run and this one;
* ``runner``   — ``monitor_run``: due targets → scan → report → diff → store → alerts;
* ``alerts``   — webhook and e-mail; ``dashboard`` — HTML overview and history text;
* ``serve``    — the in-process scheduler loop; ``celery_app`` — the distributed executor;
* ``cli_commands`` — ``cmd_run/cmd_history/cmd_report/cmd_serve`` for the CLI.

The run summary's JSON Schema is ``summary-v1.schema.json`` beside this file.
"""
