export interface Config {
  eventSchemas?: {
    sync?: {
      /**
       * Local directories the portal's URL reader may read (file: URLs),
       * for event type files synced from a local checkout, as in the demo.
       * Relative to the backend's working directory. Empty by default:
       * production reads repositories through the SCM integrations.
       * @visibility backend
       */
      localDirectories?: string[];
    };
  };
}
