import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { JsonText } from './JsonText';

describe('JsonText', () => {
  it('writes the raw JSON, with masked, erased and unreadable values set apart', async () => {
    const value = {
      id: 'evt-1',
      data: {
        user_id: '[masked]',
        contacts: [{ email: '[erased]' }, { email: '[unreadable]' }],
        note: 'the [masked] text inside a value is data',
        '[masked]': 1,
        tags: [],
        empty: {},
        count: 3,
        missing: null,
      },
      list: [1, 'two'],
    };
    render(
      <pre data-testid="json">
        <JsonText value={value} />
      </pre>,
    );

    expect(screen.getByTestId('json').textContent).toBe(
      JSON.stringify(value, null, 2),
    );
    const marked = Array.from(
      document.querySelectorAll('[data-personal-value]'),
    ).map(element => [
      element.getAttribute('data-personal-value'),
      element.textContent,
    ]);
    expect(marked).toEqual([
      ['masked', '"[masked]"'],
      ['erased', '"[erased]"'],
      ['unreadable', '"[unreadable]"'],
    ]);

    await userEvent.hover(screen.getByText('"[erased]"'));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'Erased: the person was erased and their key deleted',
    );
  });
});
