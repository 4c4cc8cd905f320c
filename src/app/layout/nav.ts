import {
  BellRing,
  BookOpen,
  ChartColumn,
  CreditCard,
  KeyRound,
  ScrollText,
  LayoutDashboard,
  Settings,
  ShieldCheck,
  Users,
  type LucideIcon,
} from 'lucide-react';
import type { Permission } from '@shared/roles';
import { paths } from '@/config/paths';

export interface NavItem {
  to: string;
  label: string;
  icon: LucideIcon;
  adminOnly?: boolean;
  /** A page of the active account: its link carries the account's prefix (`/t/:slug`). */
  inAccount?: boolean;
  /** Shown only to roles that have it in the active account. */
  permission?: Permission;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { to: paths.overview, label: 'Overview', icon: LayoutDashboard, inAccount: true },
  { to: paths.keys, label: 'API keys', icon: KeyRound, inAccount: true },
  { to: paths.usage, label: 'Usage', icon: ChartColumn, inAccount: true },
  { to: paths.billing, label: 'Billing', icon: CreditCard, inAccount: true },
  { to: paths.alerts, label: 'Alerts', icon: BellRing, inAccount: true },
  { to: paths.team, label: 'Team', icon: Users, inAccount: true },
  {
    to: paths.auditLog,
    label: 'Audit log',
    icon: ScrollText,
    inAccount: true,
    permission: 'read_audit_log',
  },
  { to: paths.docs, label: 'API reference', icon: BookOpen },
  { to: paths.settings, label: 'Settings', icon: Settings, inAccount: true },
  { to: paths.admin, label: 'Admin', icon: ShieldCheck, adminOnly: true },
];
