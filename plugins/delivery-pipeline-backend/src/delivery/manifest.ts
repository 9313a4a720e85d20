// The manifest is defined once, in delivery-pipeline-node; this re-export
// keeps the backend's imports working until they import it directly.
export { readDeliveredPartition } from '@internal/plugin-delivery-pipeline-node';
