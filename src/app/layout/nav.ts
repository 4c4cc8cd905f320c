import {
  BellRing,
  ChartColumn,
  CreditCard,
  KeyRound,
  LayoutDashboard,
  Settings,
  ShieldCheck,
  type LucideIcon,
} from 'lucide-react';
import { paths } from '@/config/paths';

export interface NavItem {
  to: string;
  label: string;
  icon: LucideIcon;
  adminOnly?: boolean;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { to: paths.overview, label: 'Overview', icon: LayoutDashboard },
  { to: paths.keys, label: 'API keys', icon: KeyRound },
  { to: paths.usage, label: 'Usage', icon: ChartColumn },
  { to: paths.billing, label: 'Billing', icon: CreditCard },
  { to: paths.alerts, label: 'Alerts', icon: BellRing },
  { to: paths.settings, label: 'Settings', icon: Settings },
  { to: paths.admin, label: 'Admin', icon: ShieldCheck, adminOnly: true },
];
