import { ResponseError } from '@backstage/errors';
import { NewEventType } from '../../api';
import { readSubmitError } from './submitErrors';

const request: NewEventType = {
  name: 'Bad Name',
  owner: 'user:default/alice',
  format: 'jsonschema',
  tags: ['ok', 'Mobile'],
  schema: '{}',
};

async function responseError(
  status: number,
  name: string,
  message: string,
): Promise<ResponseError> {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name, message },
        response: { statusCode: status },
      }),
      { status, headers: { 'Content-Type': 'application/json' } },
    ),
  );
}

describe('readSubmitError', () => {
  it('puts each problem of a 400 at its field, a "; " inside a message included', async () => {
    const error = await responseError(
      400,
      'InputError',
      "Invalid event type: name: must be 1 to 128 letters; owner: must be a catalog group, e.g. group:default/playback; got kind 'user'; retention.raw: must be an ISO 8601 duration such as P30D or PT4H; sla.maxLateness: is required; tags.1: must be lowercase",
    );

    expect(readSubmitError({ error, request })).toEqual({
      fields: {
        name: 'must be 1 to 128 letters',
        owner:
          "must be a catalog group, e.g. group:default/playback; got kind 'user'",
        'retention.raw': 'must be an ISO 8601 duration such as P30D or PT4H',
        'sla.maxLateness': 'is required',
        tags: "'Mobile': must be lowercase",
      },
      message: undefined,
    });
  });

  it('puts a rejected schema at the schema, and a taken name at the name', async () => {
    expect(
      readSubmitError({
        error: await responseError(
          400,
          'InputError',
          'Invalid schema: Unexpected token } in JSON at position 3',
        ),
        request,
      }),
    ).toEqual({
      fields: { schema: 'Unexpected token } in JSON at position 3' },
    });
    expect(
      readSubmitError({
        error: await responseError(
          409,
          'ConflictError',
          "Event type 'x' already exists",
        ),
        request,
      }),
    ).toEqual({ fields: { name: "Event type 'x' already exists" } });
  });

  it('reads the personal data check, which names its field without the prefix', async () => {
    const error = await responseError(
      400,
      'InputError',
      "personalDataFields: 'email' is not a field of the schema; its fields are: user_id",
    );
    expect(readSubmitError({ error, request })).toEqual({
      fields: {
        personalDataFields:
          "'email' is not a field of the schema; its fields are: user_id",
      },
      message: undefined,
    });
  });

  it('keeps what belongs to no field, and other errors, for the whole form', async () => {
    expect(
      readSubmitError({
        error: await responseError(
          400,
          'InputError',
          "Invalid event type: unknown field 'colour'; owner: is required; retention: unknown fields 'a', 'b'; unknown field 'size'",
        ),
        request,
      }),
    ).toEqual({
      fields: { owner: 'is required' },
      message:
        "unknown field 'colour'; retention: unknown fields 'a', 'b'; unknown field 'size'",
    });
    // The registry decides on the owner chosen: its 403 belongs there.
    const notMember =
      "You may register event types only for groups you belong to (group:default/playback); 'group:default/search' is not one of them";
    expect(
      readSubmitError({
        error: await responseError(403, 'NotAllowedError', notMember),
        request,
      }),
    ).toEqual({ fields: { owner: notMember } });
    expect(
      readSubmitError({ error: new TypeError('Failed to fetch'), request }),
    ).toEqual({ fields: {}, message: 'Failed to fetch' });
  });
});
