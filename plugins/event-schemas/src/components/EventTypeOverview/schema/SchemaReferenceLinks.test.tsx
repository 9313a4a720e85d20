import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import { rootRouteRef } from '../../../routes';
import { SchemaReferenceLinks } from './SchemaReferenceLinks';

const schema = JSON.stringify({
  type: 'object',
  properties: {
    track: {
      $ref: 'http://localhost:7007/api/event-schemas/event-types/com.example.track/versions/2',
    },
    artist: {
      $ref: 'http://localhost:7007/api/event-schemas/event-types/com.example.track/versions/2#/properties/artist',
    },
    local: { $ref: '#/definitions/local' },
  },
  definitions: { local: { type: 'string' } },
});

describe('SchemaReferenceLinks', () => {
  it("links each referenced version to its type's Versions tab", async () => {
    await renderInTestApp(
      <SchemaReferenceLinks format="jsonschema" schema={schema} />,
      { mountedRoutes: { '/event-types': rootRouteRef } },
    );
    const links = screen.getAllByRole('link');
    expect(links).toHaveLength(1);
    expect(links[0]).toHaveTextContent('com.example.track, version 2');
    expect(links[0]).toHaveAttribute(
      'href',
      '/event-types/com.example.track/versions?to=2',
    );
  });

  it('links the versions an Avro schema names as types', async () => {
    const track = '/api/event-schemas/event-types/com.example.track/versions/3';
    await renderInTestApp(
      <SchemaReferenceLinks
        format="avro"
        schema={JSON.stringify({
          type: 'record',
          name: 'com.example.Played',
          fields: [
            { name: 'track', type: track },
            { name: 'previous', type: ['null', track] },
            { name: 'note', type: 'string', doc: track },
          ],
        })}
      />,
      { mountedRoutes: { '/event-types': rootRouteRef } },
    );
    const links = screen.getAllByRole('link');
    expect(links).toHaveLength(1);
    expect(links[0]).toHaveTextContent('com.example.track, version 3');
    expect(links[0]).toHaveAttribute(
      'href',
      '/event-types/com.example.track/versions?to=3',
    );
  });

  it('shows nothing for a schema without references', async () => {
    await renderInTestApp(
      <SchemaReferenceLinks
        format="jsonschema"
        schema={JSON.stringify({ type: 'object' })}
      />,
      { mountedRoutes: { '/event-types': rootRouteRef } },
    );
    expect(screen.queryByText('References')).not.toBeInTheDocument();
  });
});
