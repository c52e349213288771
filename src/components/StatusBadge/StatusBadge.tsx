import { Badge, type BadgeColor, type IconName } from '@grafana/ui';
import React from 'react';

import type { DiagnosticStatus } from '../../shared/environment-diagnostics';

const LOOK: Record<DiagnosticStatus | 'running', { color: BadgeColor; icon: IconName; text: string }> = {
  ok: { color: 'green', icon: 'check', text: 'OK' },
  info: { color: 'blue', icon: 'info-circle', text: 'Info' },
  warning: { color: 'orange', icon: 'exclamation-triangle', text: 'Warning' },
  error: { color: 'red', icon: 'times-circle', text: 'Error' },
  skipped: { color: 'darkgrey', icon: 'minus-circle', text: 'Skipped' },
  running: { color: 'darkgrey', icon: 'spinner', text: 'Running' },
};

/** A check's or a variable's status as a coloured badge with a word (never colour alone). */
export function StatusBadge({ status }: { status: DiagnosticStatus | 'running' }) {
  const look = LOOK[status];
  // Remount on a new status: an icon swapped in place keeps showing the old one (the spinner) until its SVG loads.
  return <Badge key={status} color={look.color} icon={look.icon} text={look.text} />;
}
