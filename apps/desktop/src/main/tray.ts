/** The tray icon and its menu (Show, Quit). */
import { Menu, Tray, nativeImage } from 'electron';

// A 16×16 blue dot; real icons come with packaging (electron-builder `build/` resources).
const ICON =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAMUlEQVR4nGNgoDZQTX79Hx+mSDNeQ4jVjNUQUjVjGDJqwLAwgOKERJWkTKwheDWTAwCBZ6SoOgN/OgAAAABJRU5ErkJggg==';

export function createTray(actions: { show: () => void; quit: () => void }): Tray {
  const tray = new Tray(nativeImage.createFromDataURL(ICON));
  tray.setToolTip('SDR Platform');
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Show', click: actions.show },
      { type: 'separator' },
      { label: 'Quit', click: actions.quit },
    ]),
  );
  tray.on('click', actions.show);
  return tray;
}
