import { deprecationHeaders } from './deprecationHeaders';

const play = {
  eventType: 'com.example.play',
  notice: 'deprecated',
  deprecatedAt: '2026-12-01T00:00:00.000Z',
  sunsetAt: '2027-02-01T00:00:00.000Z',
};

describe('deprecationHeaders', () => {
  it('sends none when nothing is deprecated', () => {
    expect(deprecationHeaders([])).toEqual({});
  });

  it('says since when and until when, in the RFCs formats', () => {
    expect(deprecationHeaders([play])).toEqual({
      Deprecation: `@${Date.parse('2026-12-01T00:00:00.000Z') / 1000}`,
      Sunset: 'Mon, 01 Feb 2027 00:00:00 GMT',
    });
  });

  it('takes the earliest of several types', () => {
    expect(
      deprecationHeaders([
        play,
        {
          eventType: 'com.example.search',
          notice: 'deprecated',
          deprecatedAt: '2026-11-01T00:00:00.000Z',
          sunsetAt: '2027-01-15T00:00:00.000Z',
        },
        // Deprecated before sunset dates existed: no date to give.
        {
          eventType: 'com.example.old',
          notice: 'deprecated',
          deprecatedAt: '2026-11-20T00:00:00.000Z',
        },
      ]),
    ).toEqual({
      Deprecation: `@${Date.parse('2026-11-01T00:00:00.000Z') / 1000}`,
      Sunset: 'Fri, 15 Jan 2027 00:00:00 GMT',
    });
  });
});
