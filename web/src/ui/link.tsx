/** An anchor that navigates in place; modified clicks (new tab, download) stay the browser's. */
import type { AnchorHTMLAttributes, MouseEvent } from 'react';
import { navigate } from '../lib/nav.js';

export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const { onClick, href, ...rest } = props;
  const click = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    if (props.target && props.target !== '_self') return;
    e.preventDefault();
    navigate(href);
  };
  return <a href={href} {...rest} onClick={click} />;
}
