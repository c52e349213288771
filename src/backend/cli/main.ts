// Placeholder entry point, replaced by the kamiwaza-logs CLI.
process.stdout.write('kamiwaza-logs: not built yet\n');
