// UML's xterm= option: which terminal emulator an `xterm` channel runs.

export interface XtermOption {
  emulator: string;
  titleSwitch: string;
  execSwitch: string;
}

export const DEFAULT_XTERM_SETTINGS: XtermOption = { emulator: 'xterm', titleSwitch: '-T', execSwitch: '-e' };
