// Runs the plugin alone in a dev app: yarn workspace @data-collection/plugin-event-schemas start
import { createDevApp } from '@backstage/frontend-dev-utils';
import plugin from '../src/alpha';

createDevApp({ features: [plugin] });
