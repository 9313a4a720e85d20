import { readCommand } from './readCommand';

describe('readCommand', () => {
  const hour = {
    start: '2026-11-23T10:00:00.000Z',
    end: '2026-11-23T11:00:00.000Z',
  };

  it('reads the files of a delivered hour', () => {
    expect(
      readCommand(
        'file:///var/data/delivered/com.example.playback.started',
        hour,
      ),
    ).toBe(
      'gzip -dc /var/data/delivered/com.example.playback.started/2026-11-23/10/part-*.ndjson.gz | head',
    );
  });

  it('goes one folder deeper for partitions narrower than an hour', () => {
    expect(
      readCommand('file:///data/t', {
        start: '2026-11-23T10:15:30.000Z',
        end: '2026-11-23T10:15:40.000Z',
      }),
    ).toBe('gzip -dc /data/t/2026-11-23/10/15-30/part-*.ndjson.gz | head');
  });

  it('quotes a path the shell would split, and has placeholders without an hour', () => {
    expect(readCommand("file:///My%20Data/it's/")).toBe(
      `gzip -dc '/My Data/it'\\''s'/<yyyy-mm-dd>/<hh>/part-*.ndjson.gz | head`,
    );
  });

  it('has nothing for locations it cannot read from a shell', () => {
    expect(readCommand('gs://bucket/delivered/t', hour)).toBeUndefined();
    expect(readCommand('not a url', hour)).toBeUndefined();
  });
});
