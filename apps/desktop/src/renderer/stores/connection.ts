import { create } from 'zustand';
import type { ConnectionState } from '../engine-client.ts';

/** Whether the renderer is connected to its engine (always true over Electron IPC). */
export const useConnection = create<{
  state: ConnectionState;
  set: (state: ConnectionState) => void;
}>((set) => ({
  state: 'connecting',
  set: (state) => set({ state }),
}));
