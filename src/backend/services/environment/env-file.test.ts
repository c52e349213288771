import { parseEnvFile } from './env-file';

const valuesOf = (text: string, env: Record<string, string> = {}) =>
  Object.fromEntries([...parseEnvFile(text, env).values].map(([name, entry]) => [name, entry.value]));

describe('env.sh parser', () => {
  it('reads assignments with and without export, skipping comments and blank lines', () => {
    const text = [
      '#!/bin/bash',
      '# Kamiwaza environment',
      '',
      'export KAMIWAZA_OTEL_ENABLED=true',
      'OTEL_EXPORTER_INSECURE=false   # same host',
      '   export   KAMIWAZA_LOG_LEVEL=DEBUG',
      'export KAMIWAZA_LOG_LEVEL',
    ].join('\n');
    const parsed = parseEnvFile(text, {});
    expect(valuesOf(text)).toEqual({
      KAMIWAZA_OTEL_ENABLED: 'true',
      OTEL_EXPORTER_INSECURE: 'false',
      KAMIWAZA_LOG_LEVEL: 'DEBUG',
    });
    expect(parsed.values.get('KAMIWAZA_LOG_LEVEL')?.line).toBe(6);
    expect(parsed.problems).toEqual([]);
  });

  it('keeps quoted text as the shell would: single quotes literal, double quotes expand', () => {
    const text = [
      `export CUSTOMER_OTLP_AUTH="Bearer abc def"`,
      `export A='$HOME is "literal" # not a comment'`,
      `export B="say \\"hi\\" for \\$5"`,
      `export C=one\\ two`,
      `export D=""`,
      `export E='it'\\''s'`,
      `export F=a#b`,
      `export G=pre"mid dle"'post'`,
    ].join('\n');
    expect(valuesOf(text, { HOME: '/root' })).toEqual({
      CUSTOMER_OTLP_AUTH: 'Bearer abc def',
      A: '$HOME is "literal" # not a comment',
      B: 'say "hi" for $5',
      C: 'one two',
      D: '',
      E: "it's",
      F: 'a#b',
      G: 'premid dlepost',
    });
  });

  it('resolves $VAR and ${VAR} against earlier lines first, then the process environment', () => {
    const text = [
      'export KAMIWAZA_ROOT=/srv/kamiwaza',
      'export KAMIWAZA_LOG_DIR=${KAMIWAZA_ROOT}/logs',
      'export BACKUP=$HOME/backup',
      'export KAMIWAZA_ROOT=/elsewhere',
      'export LEVEL="${UNSET_LEVEL:-INFO}"',
      'export PRICE=$',
    ].join('\n');
    expect(valuesOf(text, { HOME: '/home/k', KAMIWAZA_ROOT: '/from/process' })).toEqual({
      KAMIWAZA_ROOT: '/elsewhere',
      KAMIWAZA_LOG_DIR: '/srv/kamiwaza/logs',
      BACKUP: '/home/k/backup',
      LEVEL: 'INFO',
      PRICE: '$',
    });
  });

  it('reports a reference to an unset variable with its line, and expands it to empty', () => {
    const parsed = parseEnvFile('\nexport KAMIWAZA_LOG_DIR=$NOPE/logs\n', {});
    expect(parsed.values.get('KAMIWAZA_LOG_DIR')?.value).toBe('/logs');
    expect(parsed.problems).toEqual([{ line: 2, message: expect.stringContaining('$NOPE is not set') }]);
  });

  it('reports malformed lines with their line numbers, skips them and reads the rest', () => {
    const text = [
      'export OK1=yes', // 1
      'export BAD1 = x', // 2
      'export BAD2="unterminated', // 3
      "BAD3='also unterminated", // 4
      'export BAD4=$(cat /etc/secret)', // 5
      'export BAD5=`hostname`', // 6
      'export BAD6=a b', // 7
      'echo hello', // 8
      'export BAD7=x; rm -rf /', // 9
      'export BAD8=${X:=y}', // 10
      '1BAD=x', // 11
      'export BAD9=not read', // 12: unquoted space
      'export OK3="fine"', // 13
    ].join('\n');
    const parsed = parseEnvFile(text, {});
    expect([...parsed.values.keys()]).toEqual(['OK1', 'OK3']);
    expect(parsed.problems.map((p) => p.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const message = (line: number) => parsed.problems.find((p) => p.line === line)!.message;
    expect(message(2)).toMatch(/no spaces are allowed around "="/);
    expect(message(3)).toMatch(/unterminated double quote/);
    expect(message(4)).toMatch(/unterminated single quote/);
    expect(message(5)).toMatch(/never executed/);
    expect(message(6)).toMatch(/never executed/);
    expect(message(7)).toMatch(/unquoted space/);
    expect(message(8)).toMatch(/not an assignment/);
    expect(message(10)).toMatch(/unsupported/);
  });

  it('never quotes a malformed line’s text back (it may hold a secret)', () => {
    const secret = 'SECRET-MARKER-4242';
    const lines = [
      `export CUSTOMER_OTLP_AUTH=Bearer ${secret}`,
      `export CUSTOMER_OTLP_AUTH="Bearer ${secret}`,
      `export CUSTOMER_OTLP_AUTH=\${X:=${secret}}`,
      `export CUSTOMER_OTLP_AUTH=${secret};`,
      `${secret} = 1`,
    ];
    const parsed = parseEnvFile(lines.join('\n'), {});
    expect(parsed.problems).toHaveLength(lines.length);
    expect(JSON.stringify(parsed.problems)).not.toContain(secret);
  });

  it('accepts Windows line endings', () => {
    expect(valuesOf('export A=1\r\nexport B="2"\r\n')).toEqual({ A: '1', B: '2' });
  });
});
