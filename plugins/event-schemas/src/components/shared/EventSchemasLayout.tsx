import { Header, Page } from '@backstage/core-components';
import { ReactNode } from 'react';
import { useEventSchemasLinks } from '../../routes';

/**
 * The frame of every page of the plugin: a header with the page's title and
 * actions, then the page's content (a `Content` or tabs).
 */
export const EventSchemasLayout = (props: {
  title: string;
  subtitle?: ReactNode;
  /** Buttons and labels on the right of the header. */
  actions?: ReactNode;
  /** The plugin's front page, which needs no way back to itself. */
  root?: boolean;
  children: ReactNode;
}) => {
  const links = useEventSchemasLinks();
  return (
    <Page themeId="tool">
      <Header
        title={props.title}
        subtitle={props.subtitle}
        type={props.root ? undefined : 'Event types'}
        typeLink={props.root ? undefined : links?.eventTypes()}
        pageTitleOverride={props.title}
      >
        {props.actions}
      </Header>
      {props.children}
    </Page>
  );
};
