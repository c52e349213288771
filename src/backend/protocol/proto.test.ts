import { compileCodecs, loadPackageDefinition } from './proto';

describe('protobuf definitions', () => {
  it('are one per process, so the codecs compiled at start-up are the server’s', () => {
    expect(loadPackageDefinition()).toBe(loadPackageDefinition());
  });

  it('compile the first calls’ codecs (every service and method named there exists)', () => {
    expect(() => compileCodecs()).not.toThrow();
  });
});
