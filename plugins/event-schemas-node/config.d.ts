export interface Config {
  eventSchemas?: {
    /** Where the portal shows the suite's pages. */
    portal?: {
      /**
       * The path where the app mounts the event-schemas frontend page,
       * default `/event-types`. The backends write links to an event type's
       * pages under it (catalog entities with `app.baseUrl` in front, SLA
       * and consumer notifications, search results), so it must match the
       * frontend route: in the new frontend system the page extension's
       * `path`, e.g.
       * `app.extensions: [{ page:event-schemas: { config: { path: /data/events } } }]`;
       * in a legacy app the `<Route path>` of `EventSchemasPage`.
       * @visibility backend
       */
      eventTypesPath?: string;
    };
  };
}
