// "sifive,test1" test finisher, also reached through the generic
// syscon-poweroff / syscon-reboot nodes (Linux drivers/power/reset/syscon-*.c,
// QEMU hw/misc/sifive_test.c). A 32-bit write to offset 0:
//   0x5555           poweroff, exit status 0
//   (code << 16) | 0x3333   poweroff with exit status `code`
//   0x7777           reboot
// Other values are ignored; reads return 0.

import type { MmioDevice } from './bus.js';
import type { PowerHandler } from './power.js';
import { FINISHER_FAIL, FINISHER_PASS, FINISHER_RESET } from './virt.js';

export class Syscon implements MmioDevice {
  constructor(private readonly power: PowerHandler) {}

  read(_offset: number, _size: 1 | 2 | 4): number {
    return 0;
  }

  write(offset: number, value: number, size: 1 | 2 | 4): void {
    if (offset !== 0 || size !== 4) return;
    const v = value >>> 0;
    switch (v & 0xffff) {
      case FINISHER_PASS:
        this.power({ kind: 'poweroff', code: 0 });
        break;
      case FINISHER_FAIL:
        this.power({ kind: 'poweroff', code: v >>> 16 });
        break;
      case FINISHER_RESET:
        this.power({ kind: 'reboot', warm: false });
        break;
    }
  }
}
