// What the guest can ask of the machine's power: shared by syscon and SBI SRST.

export type PowerRequest =
  | { kind: 'poweroff'; code: number } // exit status for the host process
  | { kind: 'reboot'; warm: boolean };

export type PowerHandler = (req: PowerRequest) => void;
