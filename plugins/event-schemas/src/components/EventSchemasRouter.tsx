import { Navigate, Route, Routes } from 'react-router-dom';
import { DataSubjectsPage } from './DataSubjectsPage';
import { DeliveryOverviewPage } from './DeliveryOverviewPage';
import { EventTypePage } from './EventTypePage';
import { EventTypesPage } from './EventTypesPage';
import { RegisterEventTypePage } from './RegisterEventTypePage';

/**
 * The plugin's pages under its mount point (`/event-types`):
 * `/` the event types, `/new` the form to register one, `/delivery` the
 * platform team's overview, `/data-subjects` erasing a person,
 * `/<name>/<tab>` one type. A type's page always has a tab in its URL, so a
 * type named `new`, `delivery` or `data-subjects` is no problem.
 */
export const EventSchemasRouter = () => (
  <Routes>
    <Route path="/" element={<EventTypesPage />} />
    <Route path="/new" element={<RegisterEventTypePage />} />
    <Route path="/delivery" element={<DeliveryOverviewPage />} />
    <Route path="/data-subjects" element={<DataSubjectsPage />} />
    <Route path="/:name" element={<Navigate to="overview" replace />} />
    <Route path="/:name/:tab" element={<EventTypePage />} />
  </Routes>
);
