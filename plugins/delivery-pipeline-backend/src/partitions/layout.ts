// The partition layout is defined once, in delivery-pipeline-common and
// re-exported by delivery-pipeline-node; this re-export keeps the backend's
// imports working until they import the node package directly.
export {
  checkPartitionWidth,
  isInNarrowerPartitionFolder,
  partitionFolder,
  partitionStartOf,
} from '@internal/plugin-delivery-pipeline-node';
