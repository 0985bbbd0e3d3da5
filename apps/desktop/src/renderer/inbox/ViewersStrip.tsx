/**
 * Who else is viewing the open conversation, in the thread header: avatars and "Ada is viewing"
 * / "Ada is typing…". `useViewing` tells the engine which conversation is on screen (the engine
 * joins its presence room while online; nothing shows offline) and, through `keystroke`, when I
 * am composing in it.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { Avatar } from '@sdr/ui';
import { engine } from '../engine.ts';
import { createTypingTracker, presenceText, type PresenceViewer } from './presence-model.ts';
import './presence.css';

const IDLE_MS = 4000;

export function useViewing(conversationId: string): {
  viewers: PresenceViewer[];
  keystroke: () => void;
} {
  const [state, setState] = useState<{ id: string; viewers: PresenceViewer[] }>({
    id: conversationId,
    viewers: [],
  });
  const tracker = useRef(createTypingTracker(IDLE_MS));

  useEffect(() => {
    tracker.current = createTypingTracker(IDLE_MS);
    const view = () =>
      void engine.invoke('inbox:view', { conversationId, typing: tracker.current.typing });
    view();
    const off = engine.on('inbox:presence', (p) => {
      if (p.conversationId === conversationId) setState({ id: conversationId, viewers: p.viewers });
    });
    const offConn = engine.onConnection((s) => {
      if (s === 'open') view();
    });
    const idle = window.setInterval(() => {
      if (tracker.current.idle(Date.now())) {
        void engine.invoke('inbox:view', { conversationId, typing: false });
      }
    }, 1000);
    return () => {
      off();
      offConn();
      window.clearInterval(idle);
      void engine.invoke('inbox:view', { conversationId: null });
    };
  }, [conversationId]);

  const keystroke = useCallback(() => {
    if (tracker.current.keystroke(Date.now())) {
      void engine.invoke('inbox:view', { conversationId, typing: true });
    }
  }, [conversationId]);

  return { viewers: state.id === conversationId ? state.viewers : [], keystroke };
}

export function ViewersStrip({ viewers }: { viewers: PresenceViewer[] }) {
  const text = presenceText(viewers);
  return (
    <div className="thread__presence" aria-live="polite" hidden={viewers.length === 0}>
      {viewers.length > 0 ? (
        <>
          <span className="thread__presence-avatars">
            {viewers.slice(0, 4).map((v) => (
              <span
                key={v.userId}
                className={v.typing ? 'thread__viewer thread__viewer--typing' : 'thread__viewer'}
                title={v.typing ? `${v.name} is typing…` : `${v.name} is viewing`}
              >
                <Avatar name={v.name || '?'} />
              </span>
            ))}
          </span>
          <span className="thread__presence-text">{text}</span>
        </>
      ) : null}
    </div>
  );
}
