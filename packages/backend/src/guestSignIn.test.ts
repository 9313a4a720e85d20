import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import authPlugin from '@backstage/plugin-auth-backend';
import request from 'supertest';
import { guestSignInWhenConfigured } from './guestSignIn';

describe('guestSignInWhenConfigured', () => {
  const refreshWith = async (
    providers: Record<string, { userEntityRef: string } | null>,
  ) => {
    const { server } = await startTestBackend({
      features: [
        authPlugin,
        guestSignInWhenConfigured,
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            auth: { providers },
          },
        }),
      ],
    });
    return request(server)
      .post('/api/auth/guest/refresh')
      .set('X-Requested-With', 'XMLHttpRequest');
  };

  it('does not load the guest module where guest is unset, as in production', async () => {
    // Loaded anyway, the module would fail the start: it reads its config.
    const response = await refreshWith({ guest: null });
    expect(response.status).toBe(404);
    expect(response.body.error.message).toBe("Unknown auth provider 'guest'");
    expect(JSON.stringify(response.body)).not.toContain('token');
  });

  it('loads it where guest is configured, and the module refuses outside development', async () => {
    // Jest runs with NODE_ENV=test: the module's own guard answers.
    const response = await refreshWith({
      guest: { userEntityRef: 'user:default/guest' },
    });
    expect(response.status).toBe(403);
    expect(response.body.error.message).toMatch(
      /cannot be used outside of a development environment/,
    );
    expect(JSON.stringify(response.body)).not.toContain('"token"');
  });
});
