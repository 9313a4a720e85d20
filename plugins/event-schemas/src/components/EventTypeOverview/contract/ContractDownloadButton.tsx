import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import GetAppIcon from '@material-ui/icons/GetApp';
import { useState } from 'react';
import { eventSchemasApiRef } from '../../../api';
import { errorMessage } from '../../shared';

/**
 * Downloads the event type's data contract (ODCS v3.1.0) for a version as
 * `<name>.odcs.yaml`, as the registry writes it.
 */
export const ContractDownloadButton = (props: {
  name: string;
  version: number;
}) => {
  const { name, version } = props;
  const api = useApi(eventSchemasApiRef);
  const alertApi = useApi(alertApiRef);
  const [loading, setLoading] = useState(false);

  const download = async () => {
    setLoading(true);
    try {
      const yaml = await api.getContract(name, { version });
      const url = URL.createObjectURL(
        new Blob([yaml], { type: 'application/yaml' }),
      );
      const link = document.createElement('a');
      link.href = url;
      link.download = `${name}.odcs.yaml`;
      document.body.appendChild(link);
      link.click();
      link.remove();
      URL.revokeObjectURL(url);
    } catch (error) {
      alertApi.post({
        message: `Could not download the data contract of ${name}: ${errorMessage(
          error as Error,
        )}`,
        severity: 'error',
      });
    } finally {
      setLoading(false);
    }
  };

  return (
    <Button
      variant="outlined"
      size="small"
      startIcon={<GetAppIcon />}
      onClick={download}
      disabled={loading}
    >
      Data contract (ODCS)
    </Button>
  );
};
