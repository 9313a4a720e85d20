export interface Config {
  /** The delivery pipeline's settings; these are the demo traffic module's. */
  deliveryPipeline?: {
    /** Demo data for a local portal. */
    demo?: {
      /**
       * Realistic events of the demo event types (examples/event-types), sent
       * through ingest as producer `demo-traffic`, with resends, conflicting
       * ids, invalid events and client delay.
       */
      traffic?: {
        /**
         * Whether to send demo traffic. Default false.
         * @visibility backend
         */
        enabled?: boolean;
        /**
         * Events per second, all demo event types together. Default 20.
         * @visibility backend
         */
        eventsPerSecond?: number;
      };
    };
  };
}
