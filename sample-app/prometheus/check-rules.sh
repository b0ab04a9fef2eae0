#!/usr/bin/env bash
# Checks Signalbox's alert rules with promtool: syntax (`promtool check rules`) and every rule's unit
# tests (`promtool test rules`). Run by the sample app's Maven tests (PrometheusRulesTest), or by hand.
#
# promtool comes with Debian's `prometheus` package (apt-get install prometheus). When it is missing:
# with CI=true this fails (CI must check the rules); otherwise it exits 77, which the test reports
# as skipped.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v promtool >/dev/null 2>&1; then
  if [ "${CI:-}" = "true" ]; then
    echo "check-rules: promtool is missing and CI=true: install it with 'apt-get install -y prometheus'" >&2
    exit 1
  fi
  echo "check-rules: promtool is missing (apt-get install prometheus); skipping the rule checks" >&2
  exit 77
fi

promtool check rules signalbox-rules.yml
promtool test rules signalbox-rules.test.yml
