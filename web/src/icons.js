// The icons the menu and pages use, imported one by one (the whole set is
// large).  A new page that needs another icon adds it here.
import {
  Bell,
  DataAnalysis,
  Document,
  EditPen,
  Files,
  House,
  Key,
  Lock,
  Operation,
  Tickets,
  Upload,
  User,
  Wallet,
  Menu,
  SwitchButton,
  Refresh,
} from '@element-plus/icons-vue'

export const icons = {
  Bell,
  DataAnalysis,
  Document,
  EditPen,
  Files,
  House,
  Key,
  Lock,
  Operation,
  Tickets,
  Upload,
  User,
  Wallet,
  Menu,
  SwitchButton,
  Refresh,
}
