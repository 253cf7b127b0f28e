! SGESVDOCL from Fortran with SGESVD's argument list (REAL arrays): for
! every JOBU, JOBVT in {A,S,O,N} (not both O) on tall, wide, 10:1, 1:10,
! single-row/column, square and rank-deficient matrices: the workspace query
! (INFO = 0, WORK(1) >= SGESVD's minimum, nothing else touched), the SVD with
! LDA > M (rows M+1..LDA untouched) and LAPACK's ddrvbd ratios with the f32
! ulp (bound 50): |A - U S V'|_1/(|A|_1 max(M,N) ulp), |I - U'U|/(M ulp),
! |I - VV'|/(N ulp), S non-negative and descending, S of every job against
! S of JOBU=JOBVT='A' within 50 min(M,N) ulp S(1); argument errors (bad JOBU,
! both O, negative M, bad LDA, bad LDVT, too small LWORK) each giving INFO =
! -i and XERBLA('SGESVDOCL', i) through this program's own XERBLA with A, S,
! U, VT untouched; NaN in A giving INFO = -5 without XERBLA.
! LAI_TEST_EXPECT_PATH (e.g. "cpu:sgesdd", "opencl:"), when set, must begin
! lai_svd_last_path() after every SVD: CTest runs this program with
! LAI_BACKEND=cpu and, with OpenCL, with LAI_BACKEND=gpu on PoCL.
module xerbla_record
  implicit none
  integer :: calls = 0, last_info = 0
  character(len=16) :: last_name = ' '
end module xerbla_record

subroutine xerbla(srname, info)
  use xerbla_record
  implicit none
  character(len=*), intent(in) :: srname
  integer, intent(in) :: info
  calls = calls + 1
  last_info = info
  last_name = srname
end subroutine xerbla

module sgesvdocl_checks
  use, intrinsic :: iso_c_binding, only: c_ptr, c_char, c_null_char, c_f_pointer
  use xerbla_record
  implicit none
  ! LAPACK's ulp (SLAMCH('P') = 2^-23), as ddrvbd uses for the ratios.
  double precision, parameter :: ulp = dble(epsilon(1.0)), thresh = 50d0
  real, parameter :: sentinel = -9.0
  integer :: failures = 0
  double precision :: worst = 0
  character(len=64) :: expect_path = ' '

  interface
    subroutine sgesvdocl(jobu, jobvt, m, n, a, lda, s, u, ldu, vt, ldvt, work, lwork, info)
      character(len=1), intent(in) :: jobu, jobvt
      integer, intent(in) :: m, n, lda, ldu, ldvt, lwork
      real, intent(inout) :: a(lda, *), s(*), u(ldu, *), vt(ldvt, *), work(*)
      integer, intent(inout) :: info
    end subroutine sgesvdocl
    function lai_svd_last_path() bind(C, name='lai_svd_last_path') result(p)
      import :: c_ptr
      type(c_ptr) :: p
    end function lai_svd_last_path
  end interface

contains

  function last_path() result(path)
    character(len=64) :: path
    character(kind=c_char), pointer :: c(:)
    integer :: i
    path = ' '
    call c_f_pointer(lai_svd_last_path(), c, [64])
    do i = 1, 64
      if (c(i) == c_null_char) exit
      path(i:i) = c(i)
    end do
  end function last_path

  subroutine fail(what)
    character(len=*), intent(in) :: what
    failures = failures + 1
    print '(2a)', ' FAILED: ', what
  end subroutine fail

  ! Deterministic test matrices; 'rank' repeats the first n/2 columns, so
  ! half of the singular values are zero.
  subroutine make_matrix(kind, m, n, a0)
    character(len=*), intent(in) :: kind
    integer, intent(in) :: m, n
    real, intent(out) :: a0(m, n)
    integer :: i, j
    do j = 1, n
      do i = 1, m
        a0(i, j) = real(sin(dble(i * 7 + j * 13)) + merge(1d0, 0d0, i == j))
      end do
    end do
    if (kind == 'rank') then
      do j = n / 2 + 1, n
        a0(:, j) = a0(:, j - n / 2)
      end do
    end if
  end subroutine make_matrix

  double precision function norm1(x)
    double precision, intent(in) :: x(:, :)
    norm1 = 0
    if (size(x) > 0) norm1 = maxval(sum(abs(x), dim=1))
  end function norm1

  ! One call of SGESVDOCL for the jobs; sref: S of JOBU=JOBVT='A' (set by
  ! that call, which comes first for each matrix).
  subroutine one_case(jobu, jobvt, kind, a0, m, n, sref)
    character(len=1), intent(in) :: jobu, jobvt
    character(len=*), intent(in) :: kind
    integer, intent(in) :: m, n
    real, intent(in) :: a0(m, n)
    real, intent(inout) :: sref(:)
    real, allocatable :: a(:, :), s(:), u(:, :), vt(:, :), work(:)
    double precision, allocatable :: uc(:, :), vtc(:, :), r(:, :), g(:, :)
    real :: q(1)
    integer :: k, lda, ldu, ldvt, ucols, vtrows, lwork, minwrk, info, i, p
    double precision :: r_usv, r_u, r_vt, r_s
    logical :: want_u, want_vt
    character(len=64) :: what, path

    k = min(m, n)
    write (what, '(a, 1x, i0, "x", i0, " jobu=", a, " jobvt=", a)') trim(kind), m, n, jobu, jobvt
    lda = m + 2
    ucols = merge(m, k, jobu == 'A')
    vtrows = merge(n, k, jobvt == 'A')
    ldu = merge(m + 1, 1, jobu == 'A' .or. jobu == 'S')
    ldvt = merge(vtrows + 1, 1, jobvt == 'A' .or. jobvt == 'S')
    allocate(a(lda, n), s(k), u(ldu, max(1, ucols)), vt(ldvt, n))
    a = -7.0
    a(1:m, :) = a0
    s = sentinel
    u = sentinel
    vt = sentinel
    minwrk = max(1, 3 * k + max(m, n), 5 * k)

    ! Workspace query: WORK(1) only.
    q = 0
    info = 99
    call sgesvdocl(jobu, jobvt, m, n, a, lda, s, u, ldu, vt, ldvt, q, -1, info)
    if (info /= 0 .or. q(1) < minwrk) then
      print '(a, i0, a, g0)', ' query INFO = ', info, ', WORK(1) = ', q(1)
      call fail(trim(what) // ': workspace query')
      return
    end if
    if (any(a(1:m, :) /= a0) .or. any(s /= sentinel) .or. any(u /= sentinel) .or. any(vt /= sentinel)) then
      call fail(trim(what) // ': the workspace query wrote more than WORK(1)')
    end if

    lwork = int(q(1))
    allocate(work(lwork))
    call sgesvdocl(jobu, jobvt, m, n, a, lda, s, u, ldu, vt, ldvt, work, lwork, info)
    path = last_path()
    if (info /= 0) then
      print '(a, i0)', ' INFO = ', info
      call fail(trim(what) // ': SVD')
      return
    end if
    if (expect_path /= ' ' .and. index(path, trim(expect_path)) /= 1) then
      call fail(trim(what) // ': ran on ' // trim(path) // ', expected ' // trim(expect_path))
    end if
    if (any(a(m + 1:lda, :) /= -7.0)) call fail(trim(what) // ': rows M+1..LDA of A were written')
    if (int(work(1)) /= lwork) call fail(trim(what) // ': WORK(1) on exit is not the optimal LWORK')

    ! The computed factors: U's first min(M,N) columns and VT's first
    ! min(M,N) rows, from U/VT or from A for 'O'.
    want_u = jobu /= 'N'
    want_vt = jobvt /= 'N'
    allocate(uc(m, k), vtc(k, n))
    if (jobu == 'O') then
      uc = dble(a(1:m, 1:k))
    else if (want_u) then
      uc = dble(u(1:m, 1:k))
    end if
    if (jobvt == 'O') then
      vtc = dble(a(1:k, 1:n))
    else if (want_vt) then
      vtc = dble(vt(1:k, 1:n))
    end if

    r_usv = 0
    if (want_u .and. want_vt .and. k > 0) then
      allocate(r(m, n))
      r = dble(a0)
      do p = 1, k
        do i = 1, n
          r(:, i) = r(:, i) - uc(:, p) * dble(s(p)) * vtc(p, i)
        end do
      end do
      if (norm1(dble(a0)) > 0) r_usv = norm1(r) / (norm1(dble(a0)) * max(m, n) * ulp)
    end if
    r_u = 0
    if (want_u) then
      ! All computed columns: M of them for JOBU='A'.
      if (jobu == 'A') then
        g = matmul(transpose(dble(u(1:m, 1:m))), dble(u(1:m, 1:m))) - eye(m)
      else
        g = matmul(transpose(uc), uc) - eye(k)
      end if
      r_u = norm1(g) / (max(1, m) * ulp)
    end if
    r_vt = 0
    if (want_vt) then
      if (jobvt == 'A') then
        g = matmul(dble(vt(1:n, 1:n)), transpose(dble(vt(1:n, 1:n)))) - eye(n)
      else
        g = matmul(vtc, transpose(vtc)) - eye(k)
      end if
      r_vt = norm1(g) / (max(1, n) * ulp)
    end if
    if (jobu == 'A' .and. jobvt == 'A') sref = s
    r_s = 0
    if (k > 0 .and. sref(1) > 0) r_s = maxval(abs(dble(s) - dble(sref))) / (k * ulp * sref(1))
    worst = max(worst, r_usv, r_u, r_vt, r_s)
    print '(1x, a40, " ratios USV ", f6.2, " U ", f6.2, " VT ", f6.2, " S ", f6.2, 2x, a)', &
        what, r_usv, r_u, r_vt, r_s, trim(path)
    if (.not. (r_usv < thresh .and. r_u < thresh .and. r_vt < thresh .and. r_s < thresh)) then
      call fail(trim(what) // ': a ratio >= 50')
    end if
    do i = 1, k
      if (.not. (s(i) >= 0) .or. (i > 1 .and. s(i) > s(max(1, i - 1)))) then
        call fail(trim(what) // ': S negative or not descending')
        exit
      end if
    end do
  end subroutine one_case

  ! An argument error: INFO = expected, one XERBLA('SGESVDOCL', -expected)
  ! call, and A, S, U, VT as they were.
  subroutine bad_call(what, jobu, jobvt, m, n, lda, ldvt, lwork, expected)
    character(len=*), intent(in) :: what
    character(len=1), intent(in) :: jobu, jobvt
    integer, intent(in) :: m, n, lda, ldvt, lwork, expected
    integer, parameter :: mm = 12, nn = 8
    real :: a(mm, nn), a0(mm, nn), s(nn), u(mm, mm), vt(nn, nn), work(1000)
    integer :: info, before
    call make_matrix('full', mm, nn, a0)
    a = a0
    s = sentinel
    u = sentinel
    vt = sentinel
    before = calls
    info = 99
    call sgesvdocl(jobu, jobvt, m, n, a, lda, s, u, mm, vt, ldvt, work, lwork, info)
    if (info /= expected .or. calls /= before + 1 .or. last_info /= -expected .or. &
        trim(last_name) /= 'SGESVDOCL') then
      print '(a, i0, a, i0, a, i0, 2a)', ' INFO = ', info, ', XERBLA calls ', calls - before, ', arg ', &
          last_info, ', name ', trim(last_name)
      call fail(what)
    else if (any(a /= a0) .or. any(s /= sentinel) .or. any(u /= sentinel) .or. any(vt /= sentinel)) then
      call fail(what // ': an output was written')
    else
      print '(1x, a, ": INFO = ", i0, ", XERBLA(''SGESVDOCL'', ", i0, ")")', what, info, last_info
    end if
  end subroutine bad_call

  function eye(k) result(e)
    integer, intent(in) :: k
    double precision :: e(k, k)
    integer :: t
    e = 0
    do t = 1, k
      e(t, t) = 1
    end do
  end function eye

end module sgesvdocl_checks

program test_sgesvdocl
  use, intrinsic :: ieee_arithmetic, only: ieee_value, ieee_quiet_nan
  use xerbla_record
  use sgesvdocl_checks
  implicit none
  character(len=*), parameter :: jobs = 'ASON'
  integer, parameter :: nshape = 8
  integer, parameter :: shapes(2, nshape) = reshape([30, 20, 20, 30, 60, 6, 6, 60, 1, 7, 7, 1, 9, 9, 12, 8], &
                                                    [2, nshape])
  character(len=4), parameter :: kinds(nshape) = ['full', 'full', 'full', 'full', 'full', 'full', 'full', 'rank']
  real, allocatable :: a0(:, :), sref(:)
  real :: a(12, 8), s(8), u(12, 12), vt(8, 8), work(1000)
  integer :: c, iu, iv, m, n, info, before, plen

  call get_environment_variable('LAI_TEST_EXPECT_PATH', expect_path, plen)
  do c = 1, nshape
    m = shapes(1, c)
    n = shapes(2, c)
    allocate(a0(m, n), sref(min(m, n)))
    call make_matrix(trim(kinds(c)), m, n, a0)
    sref = 0
    call one_case('A', 'A', trim(kinds(c)), a0, m, n, sref)
    do iu = 1, 4
      do iv = 1, 4
        if (iu == 3 .and. iv == 3) cycle  ! 'O','O' is an argument error
        if (iu == 1 .and. iv == 1) cycle  ! done first, for sref
        call one_case(jobs(iu:iu), jobs(iv:iv), trim(kinds(c)), a0, m, n, sref)
      end do
    end do
    deallocate(a0, sref)
  end do
  print '(a, f6.2)', ' SGESVDOCL: worst ratio ', worst

  ! Argument errors on a 12 x 8 matrix, in SGESVD's numbering.
  call bad_call('JOBU = ''X''', 'X', 'A', 12, 8, 12, 8, 1000, -1)
  call bad_call('JOBU = JOBVT = ''O''', 'O', 'O', 12, 8, 12, 8, 1000, -2)
  call bad_call('M = -1', 'A', 'A', -1, 8, 12, 8, 1000, -3)
  call bad_call('LDA = M - 1', 'A', 'A', 12, 8, 11, 8, 1000, -6)
  call bad_call('LDVT = 2', 'A', 'A', 12, 8, 12, 2, 1000, -11)
  ! max(1, 3*min(M,N)+max(M,N), 5*min(M,N)) = 40 for 12 x 8.
  call bad_call('LWORK = 39', 'N', 'N', 12, 8, 12, 8, 39, -13)

  ! NaN in A: INFO = -5, no XERBLA (not an argument rule of SGESVD).
  call make_matrix('full', 12, 8, a)
  a(3, 4) = ieee_value(a(3, 4), ieee_quiet_nan)
  s = sentinel
  before = calls
  call sgesvdocl('S', 'S', 12, 8, a, 12, s, u, 12, vt, 8, work, 1000, info)
  if (info /= -5 .or. calls /= before .or. any(s /= sentinel)) then
    call fail('NaN in A')
  else
    print '(a)', ' NaN in A: INFO = -5, no XERBLA, S untouched'
  end if

  if (failures > 0) then
    print '(a, i0, a)', ' SGESVDOCL: ', failures, ' failure(s)'
    stop 1
  end if
  print '(a)', ' SGESVDOCL: all checks passed'
end program test_sgesvdocl
