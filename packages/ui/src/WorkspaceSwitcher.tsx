import { Avatar } from './Avatar.tsx';
import { Menu } from './Menu.tsx';

export type WorkspaceOption = { id: string; name: string; role: string };

export type WorkspaceSwitcherProps = {
  workspaces: readonly WorkspaceOption[];
  currentId: string;
  onSwitch: (workspaceId: string) => void;
};

/** The sidebar's workspace picker: the current workspace and your role; opens a listbox of the others. */
export function WorkspaceSwitcher({ workspaces, currentId, onSwitch }: WorkspaceSwitcherProps) {
  const current = workspaces.find((workspace) => workspace.id === currentId);
  const name = current?.name ?? 'Workspace';
  return (
    <Menu
      label="Switch workspace"
      triggerLabel={`Workspace: ${name}. Switch workspace`}
      selectedId={currentId}
      onSelect={onSwitch}
      items={workspaces.map((workspace) => ({
        id: workspace.id,
        label: workspace.name,
        hint: workspace.role,
        leading: <Avatar name={workspace.name} shape="square" />,
      }))}
      trigger={
        <>
          <Avatar name={name} shape="square" />
          <span className="ui-menu__trigger-text">
            <span className="ui-menu__trigger-label">{name}</span>
            {current ? <span className="ui-menu__trigger-sub">{current.role}</span> : null}
          </span>
        </>
      }
    />
  );
}
