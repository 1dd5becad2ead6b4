/**
 * The constants of include/zinc.h, named as there (tests/cases.js checks them against the
 * header). Every message comes from the core's zinc_strerror at run time.
 */
export const CONSTANTS = Object.freeze({
  ZINC_OK: 0,
  ZINC_EPERM: -1,
  ZINC_ENOENT: -2,
  ZINC_EBADF: -9,
  ZINC_EAGAIN: -11,
  ZINC_EEXIST: -17,
  ZINC_EINVAL: -22,
  ZINC_EBADMSG: -74,
  ZINC_ETIMEDOUT: -110,
  ZINC_WAIT_FOREVER: 0xffffffff,
});

export const {
  ZINC_OK,
  ZINC_EPERM,
  ZINC_ENOENT,
  ZINC_EBADF,
  ZINC_EAGAIN,
  ZINC_EEXIST,
  ZINC_EINVAL,
  ZINC_EBADMSG,
  ZINC_ETIMEDOUT,
  ZINC_WAIT_FOREVER,
} = CONSTANTS;
