import { screen } from '@testing-library/react';
import { playbackHealth, renderWithApis } from '../../__testUtils__';
import { HealthNumbers } from './DeliverySummary';

describe('HealthNumbers', () => {
  it('counts partitions delivered empty and missing windows apart', async () => {
    const health = playbackHealth();
    await renderWithApis(
      <HealthNumbers
        health={{
          ...health,
          partitions: { ...health.partitions, empty: 5, missing: 2 },
        }}
      />,
    );
    expect(screen.getByText('22 delivered (5 empty)')).toBeInTheDocument();
    expect(
      screen.getByText('1 open · 1 closed · 0 expired · 2 missing'),
    ).toBeInTheDocument();
  });

  it('says nothing of them when there are none', async () => {
    await renderWithApis(<HealthNumbers health={playbackHealth()} />);
    expect(screen.getByText('22 delivered')).toBeInTheDocument();
    expect(
      screen.getByText('1 open · 1 closed · 0 expired'),
    ).toBeInTheDocument();
  });
});
