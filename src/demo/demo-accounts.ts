/**
 * Demo accounts: one per role, all with the same documented demo password. They exist only in a demo
 * database (DEMO_SEED, refused in production) so a newcomer can log in as each role.
 */
import type { RoleCode } from '../contracts/roles.ts';

export const DEMO_PASSWORD = 'Jingwu@2026demo';

export interface DemoAccount {
  username: string;
  displayName: string;
  role: RoleCode;
  /** Index into the demo tree: which jurisdiction the role is held over. */
  jurisdiction: 'province' | 'city' | 'county' | 'station' | 'community' | 'grid';
}

export const DEMO_ACCOUNTS: DemoAccount[] = [
  { username: 'commander', displayName: '省指挥中心 王建国', role: 'provincial_commander', jurisdiction: 'province' },
  { username: 'dispatcher', displayName: '市局指挥中心 李明', role: 'city_dispatcher', jurisdiction: 'city' },
  { username: 'dutyleader', displayName: '值班领导 张伟', role: 'duty_leader', jurisdiction: 'city' },
  { username: 'county', displayName: '县局值班 刘洋', role: 'county_duty_officer', jurisdiction: 'county' },
  { username: 'chief', displayName: '派出所所长 陈静', role: 'station_chief', jurisdiction: 'station' },
  { username: 'patrol', displayName: '巡逻民警 杨帆', role: 'patrol_officer', jurisdiction: 'station' },
  { username: 'community', displayName: '社区民警 赵丽', role: 'community_officer', jurisdiction: 'community' },
  { username: 'grid', displayName: '网格员 黄磊', role: 'grid_worker', jurisdiction: 'grid' },
  { username: 'volunteer', displayName: '志愿者 周敏', role: 'volunteer', jurisdiction: 'grid' },
  { username: 'auditor', displayName: '审计员 吴芳', role: 'auditor', jurisdiction: 'province' },
  { username: 'secadmin', displayName: '安全管理员 郑强', role: 'security_admin', jurisdiction: 'province' },
  { username: 'sysadmin', displayName: '系统管理员 孙涛', role: 'system_admin', jurisdiction: 'province' },
];
